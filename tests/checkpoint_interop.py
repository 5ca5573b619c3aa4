"""The PyTorch half of the checkpoint interoperability test (see checkpoint_interop.cpp).

Reads gategrad's safetensors with json + torch.frombuffer only (no safetensors package), checks
PyTorch's outputs against gategrad's, then writes a PyTorch-initialised model for the way back.
usage: checkpoint_interop.py DIR
"""
import json
import struct
import sys

import torch


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
        assert entry["dtype"] == "F32", f"{path}: {name} has dtype {entry['dtype']}, expected F32"
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(data[begin:end], dtype=torch.float32) if end > begin else torch.zeros(0)
        out[name] = t.reshape(entry["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))


def main():
    folder = sys.argv[1]
    torch.set_num_threads(1)
    # gategrad -> PyTorch
    model = mlp()
    model.load_state_dict(read_safetensors(f"{folder}/gategrad_model.safetensors"), strict=True)
    io = read_safetensors(f"{folder}/gategrad_io.safetensors")
    with torch.no_grad():
        worst = (model(io["x"]) - io["y"]).abs().max().item()
    print(f"gategrad weights in PyTorch: max |torch - gategrad| = {worst:.3g}")
    if worst > 1e-6:
        sys.exit(f"FAILED: outputs differ by {worst} > 1e-6")
    # PyTorch -> gategrad
    torch.manual_seed(0)
    theirs = mlp()
    x = torch.randn(6, 5)
    with torch.no_grad():
        y = theirs(x)
    write_safetensors(f"{folder}/torch_model.safetensors", theirs.state_dict())
    write_safetensors(f"{folder}/torch_io.safetensors", {"x": x, "y": y})


if __name__ == "__main__":
    main()
