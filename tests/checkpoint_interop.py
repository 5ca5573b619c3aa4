"""The PyTorch half of the checkpoint interoperability test (see checkpoint_interop.cpp).

Reads gategrad's safetensors with json + torch.frombuffer only (no safetensors package: Debian's
python3-torch 1.13 has none), checks PyTorch's outputs against gategrad's and every dtype's
values, then writes a PyTorch-initialised model and tensors of every dtype for the way back.
usage: checkpoint_interop.py DIR
"""
import json
import struct
import sys

import torch

# safetensors' dtype names; bytes are little-endian, BOOL one byte 0 or 1.
DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "BOOL": torch.bool,
          "BF16": torch.bfloat16}
NAMES = {dtype: name for name, dtype in DTYPES.items()}

# Values whose bytes a wrong byte order or width would scramble; checkpoint_interop.cpp has the
# same list.
INTS = [-(1 << 62), -1, 0, 1 << 40, (1 << 63) - 1]


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = bytearray(blob[8 + n:])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] in DTYPES, f"{path}: {name} has dtype {entry['dtype']}, expected one of {list(DTYPES)}"
        dtype = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(data[begin:end], dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(entry["shape"]).clone()
    return out


def raw_bytes(t):
    t = t.detach().contiguous()
    # numpy has no bfloat16: its bytes are those of the int16 with the same bits.
    return (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = raw_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))


def cnn():
    return torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                               torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(36, 3))


def check(what, ok):
    print(f"  {what}: {'ok' if ok else 'DIFFERS'}")
    if not ok:
        sys.exit(f"FAILED: {what}")


def same(a, b):
    """Same dtype, sizes and values, bit for bit."""
    return a.dtype == b.dtype and a.shape == b.shape and bool(torch.equal(a, b))


def main():
    folder = sys.argv[1]
    torch.set_num_threads(1)
    # gategrad -> PyTorch
    model = mlp()
    model.load_state_dict(read_safetensors(f"{folder}/gategrad_model.safetensors"), strict=True)
    io = read_safetensors(f"{folder}/gategrad_io.safetensors")
    x, y = io["x"], io["y"]
    with torch.no_grad():
        worst = (model(x) - y).abs().max().item()
    print(f"gategrad weights in PyTorch: max |torch - gategrad| = {worst:.3g}")
    if worst > 1e-6:
        sys.exit(f"FAILED: outputs differ by {worst} > 1e-6")
    print("gategrad's tensors of every dtype, read by PyTorch:")
    check("I64 labels = argmax(y, 1)", same(io["labels"], torch.argmax(y, 1)))
    check("I64 constants", same(io["ints"], torch.tensor(INTS, dtype=torch.int64)))
    check("BOOL mask = y > 0", same(io["mask"], y > 0))
    check("BF16 y rounded to nearest even", same(io["y_bf16"], y.to(torch.bfloat16)))
    check("F64 y", same(io["y_f64"], y.to(torch.float64)))
    check("a transposed view, written as its values", same(io["x_t"], x.t().contiguous()))
    net = cnn()
    state = read_safetensors(f"{folder}/gategrad_cnn.safetensors")
    net.load_state_dict(state, strict=True)
    net.eval()
    cnn_io = read_safetensors(f"{folder}/gategrad_cnn_io.safetensors")
    with torch.no_grad():
        cnn_worst = (net(cnn_io["x"]) - cnn_io["y"]).abs().max().item()
    print(f"gategrad's CNN (conv, batch norm with its running statistics) in PyTorch: max |torch - gategrad| = {cnn_worst:.3g}")
    check("BatchNorm's num_batches_tracked, int64 2", same(state["1.num_batches_tracked"], torch.tensor(2)))
    if cnn_worst > 1e-5:
        sys.exit(f"FAILED: CNN outputs differ by {cnn_worst} > 1e-5")
    # PyTorch -> gategrad
    torch.manual_seed(0)
    theirs = mlp()
    x = torch.randn(6, 5)
    with torch.no_grad():
        y = theirs(x)
    write_safetensors(f"{folder}/torch_model.safetensors", theirs.state_dict())
    theirs_cnn = cnn()
    for _ in range(3):  # three training batches: running statistics and a count of 3
        theirs_cnn(torch.randn(5, 1, 6, 6))
    theirs_cnn.eval()
    images = torch.randn(3, 1, 6, 6)
    with torch.no_grad():
        write_safetensors(f"{folder}/torch_cnn_io.safetensors", {"x": images, "y": theirs_cnn(images)})
    write_safetensors(f"{folder}/torch_cnn.safetensors", {k: v.detach() for k, v in theirs_cnn.state_dict().items()})
    write_safetensors(f"{folder}/torch_io.safetensors", {
        "x": x, "y": y, "labels": torch.argmax(y, 1), "ints": torch.tensor(INTS, dtype=torch.int64),
        "mask": y > 0, "y_bf16": y.to(torch.bfloat16), "y_f64": y.to(torch.float64)})


if __name__ == "__main__":
    main()
