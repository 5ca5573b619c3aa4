// gg::einsum, as torch.einsum, composed of differentiable ops: no gate of its own.
//
// Each operand's subscripts become labels (one per dim; the dims under "..." get labels of their
// own, aligned from the right across operands). An operand first loses its repeated labels (a
// diagonal: the two dims permuted last, flattened, and every (n+1)-th element sliced) and the
// labels no other operand and not the output has (summed). The operands are then contracted
// left to right: a pair's labels are batch (in both, still needed), contracted (in both, not
// needed), left or right (in one); the pair is permuted to (batch, left, contracted) and
// (batch, contracted, right), reshaped to 3-D and multiplied by one bmm (gategrad's GEMM), and
// the product reshaped back. The result is permuted to the output's order.
#include <gategrad/autograd/ops.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace gg {
namespace {

using Labels = std::vector<int>;

// 'A'-'Z' are 0-25 and 'a'-'z' 26-51 (so sorting labels sorts the letters as torch's implicit
// output does); the dims under "..." are kLetters + 0, 1, ...
constexpr int kLetters = 52;

int letter_label(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

std::string label_name(int label) {
  if (label >= kLetters) return "... dim " + std::to_string(label - kLetters);
  return std::string(1, static_cast<char>(label < 26 ? 'A' + label : 'a' + (label - 26)));
}

// One operand's (or the output's) subscripts: letter labels, and where "..." stood.
struct Term {
  Labels letters;
  std::ptrdiff_t ellipsis_at = -1;  // index into letters before which "..." stands
};

struct Context {
  std::string equation;
  [[noreturn]] void fail(const std::string& what) const {
    throw ShapeError("einsum: \"" + equation + "\": " + what);
  }
};

Term parse_term(const Context& ctx, std::string_view text, const std::string& which) {
  Term term;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (text.substr(i, 3) != "..." || term.ellipsis_at >= 0) {
        ctx.fail(which + " has a stray '.' or a second \"...\", expected at most one \"...\"");
      }
      term.ellipsis_at = static_cast<std::ptrdiff_t>(term.letters.size());
      i += 2;
      continue;
    }
    const int label = letter_label(text[i]);
    if (label < 0) {
      ctx.fail(which + " has '" + std::string(1, text[i]) + "', expected letters a-z, A-Z or \"...\"");
    }
    term.letters.push_back(label);
  }
  return term;
}

// The term's labels with "..." expanded to `count` dims of the `total` broadcast ones.
Labels expand_term(const Term& term, std::int64_t count, std::int64_t total) {
  Labels labels(term.letters.begin(), term.letters.end());
  if (term.ellipsis_at < 0) return labels;
  Labels dims;
  for (std::int64_t i = total - count; i < total; ++i) dims.push_back(kLetters + static_cast<int>(i));
  labels.insert(labels.begin() + term.ellipsis_at, dims.begin(), dims.end());
  return labels;
}

std::ptrdiff_t find(const Labels& labels, int label) {
  const auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : it - labels.begin();
}

bool contains(const Labels& labels, int label) { return find(labels, label) >= 0; }

struct Operand {
  Tensor t;
  Labels labels;
};

// The diagonal over dims p < q of equal size n: those dims permuted last and flattened, every
// (n+1)-th element taken; the label moves to the end.
Operand take_diagonal(const Context& ctx, std::size_t index, const Operand& x, std::size_t p,
                      std::size_t q, Where where) {
  const std::int64_t n = x.t.size(static_cast<std::int64_t>(p));
  if (x.t.size(static_cast<std::int64_t>(q)) != n) {
    ctx.fail("subscript " + label_name(x.labels[p]) + " is repeated in operand " + std::to_string(index) +
             " over dims of sizes " + std::to_string(n) + " and " +
             std::to_string(x.t.size(static_cast<std::int64_t>(q))) + ", expected equal sizes");
  }
  SizeVector order, sizes;
  Labels labels;
  for (std::size_t d = 0; d < x.labels.size(); ++d) {
    if (d == p || d == q) continue;
    order.push_back(static_cast<std::int64_t>(d));
    sizes.push_back(x.t.size(static_cast<std::int64_t>(d)));
    labels.push_back(x.labels[d]);
  }
  order.push_back(static_cast<std::int64_t>(p));
  order.push_back(static_cast<std::int64_t>(q));
  sizes.push_back(n * n);
  labels.push_back(x.labels[p]);
  const Tensor flat = reshape(permute(x.t, order, where), sizes, where);
  return {slice(flat, -1, 0, std::nullopt, n + 1, where), labels};
}

// x summed over the dims whose labels `keep` rejects.
template <class Keep>
Operand sum_labels(const Operand& x, Keep keep, Where where) {
  SizeVector dims;
  Labels labels;
  for (std::size_t d = 0; d < x.labels.size(); ++d) {
    if (keep(x.labels[d])) labels.push_back(x.labels[d]);
    else dims.push_back(static_cast<std::int64_t>(d));
  }
  if (dims.empty()) return x;
  return {sum(x.t, dims, false, where), labels};
}

Operand permuted(const Operand& x, const Labels& order, Where where) {
  SizeVector dims;
  for (int label : order) dims.push_back(find(x.labels, label));
  bool identity = true;
  for (std::size_t i = 0; i < dims.size(); ++i) identity = identity && dims[i] == static_cast<std::int64_t>(i);
  return {identity ? x.t : permute(x.t, dims, where), order};
}

std::int64_t size_of(const Operand& x, int label) { return x.t.size(find(x.labels, label)); }

// left and right contracted over the labels they share that `needed` does not hold.
Operand contract(const Context& ctx, Operand left, Operand right, const Labels& needed, Where where) {
  Labels batch, contracted, left_only, right_only;
  for (int label : left.labels) {
    if (!contains(right.labels, label)) left_only.push_back(label);
    else if (contains(needed, label)) batch.push_back(label);
    else contracted.push_back(label);
  }
  for (int label : right.labels) {
    if (!contains(left.labels, label)) right_only.push_back(label);
  }
  // A shared label of size 1 on one side broadcasts: a batch label by expanding it, a
  // contracted one by summing the other side over it first (sum_j a_1 b_j = a_1 sum_j b_j).
  for (int label : contracted) {
    const std::int64_t sl = size_of(left, label), sr = size_of(right, label);
    if (sl == sr) continue;
    if (sl != 1 && sr != 1) {
      ctx.fail("subscript " + label_name(label) + " has size " + std::to_string(sl) + " in one operand and " +
               std::to_string(sr) + " in another, expected equal sizes (or 1, which broadcasts)");
    }
    Operand& big = sl == 1 ? right : left;
    big.t = sum(big.t, {find(big.labels, label)}, true, where);
  }
  SizeVector batch_sizes;
  for (int label : batch) {
    const std::int64_t sl = size_of(left, label), sr = size_of(right, label);
    if (sl != sr && sl != 1 && sr != 1) {
      ctx.fail("subscript " + label_name(label) + " has size " + std::to_string(sl) + " in one operand and " +
               std::to_string(sr) + " in another, expected equal sizes (or 1, which broadcasts)");
    }
    batch_sizes.push_back(std::max(sl, sr));
  }
  const auto product_of = [](const SizeVector& sizes) {
    return std::accumulate(sizes.begin(), sizes.end(), std::int64_t{1}, std::multiplies<>());
  };
  const auto sizes_of = [](const Operand& x, const Labels& labels) {
    SizeVector sizes;
    for (int label : labels) sizes.push_back(size_of(x, label));
    return sizes;
  };
  const SizeVector left_sizes = sizes_of(left, left_only), right_sizes = sizes_of(right, right_only);
  const SizeVector k_sizes = sizes_of(left, contracted);
  const std::int64_t B = product_of(batch_sizes), M = product_of(left_sizes), N = product_of(right_sizes),
                     K = product_of(k_sizes);
  // (batch, left, contracted) and (batch, contracted, right), the batch expanded to its sizes.
  const auto as_3d = [&](const Operand& x, const Labels& first, const Labels& second, std::int64_t rows,
                         std::int64_t cols) {
    Labels order = batch;
    order.insert(order.end(), first.begin(), first.end());
    order.insert(order.end(), second.begin(), second.end());
    Tensor t = permuted(x, order, where).t;
    SizeVector full = batch_sizes;
    for (int label : first) full.push_back(size_of(x, label));
    for (int label : second) full.push_back(size_of(x, label));
    if (IntArrayRef(full) != t.sizes()) t = expand(t, full, where);
    return reshape(t, {B, rows, cols}, where);
  };
  const Tensor product = bmm(as_3d(left, left_only, contracted, M, K), as_3d(right, contracted, right_only, K, N), where);
  SizeVector out_sizes = batch_sizes;
  out_sizes.insert(out_sizes.end(), left_sizes.begin(), left_sizes.end());
  out_sizes.insert(out_sizes.end(), right_sizes.begin(), right_sizes.end());
  Labels labels = batch;
  labels.insert(labels.end(), left_only.begin(), left_only.end());
  labels.insert(labels.end(), right_only.begin(), right_only.end());
  return {reshape(product, out_sizes, where), labels};
}

}  // namespace

Tensor einsum(std::string_view equation, TensorList tensors, Where where) {
  Context ctx;
  for (char c : equation) {
    if (c != ' ') ctx.equation.push_back(c);
  }
  const std::string_view eq = ctx.equation;
  const std::size_t arrow = eq.find("->");
  const std::string_view lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  for (std::size_t start = 0;;) {
    const std::size_t comma = lhs.find(',', start);
    const std::string which = "operand " + std::to_string(terms.size()) + "'s subscripts";
    terms.push_back(parse_term(ctx, lhs.substr(start, comma == std::string_view::npos ? comma : comma - start), which));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (terms.size() != tensors.size()) {
    ctx.fail("it has subscripts for " + std::to_string(terms.size()) + " operand(s) but " +
             std::to_string(tensors.size()) + " tensor(s) were given");
  }
  // How many dims each "..." stands for, and how many the broadcast of them has.
  std::vector<std::int64_t> ellipsis_dims;
  std::int64_t broadcast_dims = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const auto letters = static_cast<std::int64_t>(terms[i].letters.size());
    const std::int64_t rank = tensors[i].dim();
    if (terms[i].ellipsis_at < 0 ? rank != letters : rank < letters) {
      ctx.fail("operand " + std::to_string(i) + " is " + to_string(tensors[i].sizes()) + " (" +
               std::to_string(rank) + " dims) but its subscripts name " + std::to_string(letters) +
               (terms[i].ellipsis_at < 0 ? "" : " and \"...\" the rest") + ", expected one subscript per dim");
    }
    ellipsis_dims.push_back(terms[i].ellipsis_at < 0 ? 0 : rank - letters);
    broadcast_dims = std::max(broadcast_dims, ellipsis_dims.back());
  }
  std::vector<Operand> operands;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    operands.push_back({tensors[i], expand_term(terms[i], ellipsis_dims[i], broadcast_dims)});
  }
  Labels output;
  if (arrow != std::string_view::npos) {
    const Term out = parse_term(ctx, eq.substr(arrow + 2), "the output");
    output = expand_term(out, broadcast_dims, broadcast_dims);
    for (int label : out.letters) {
      if (std::count(out.letters.begin(), out.letters.end(), label) > 1) {
        ctx.fail("the output names subscript " + label_name(label) + " twice, expected each at most once");
      }
      const bool found = std::any_of(operands.begin(), operands.end(),
                                     [label](const Operand& x) { return contains(x.labels, label); });
      if (!found) ctx.fail("the output's subscript " + label_name(label) + " is in no operand");
    }
  } else {
    // Implicit output, as torch's: the "..." dims, then the letters met exactly once, sorted.
    output = expand_term(Term{{}, 0}, broadcast_dims, broadcast_dims);
    std::vector<int> count(kLetters, 0);
    for (const Operand& x : operands) {
      for (int label : x.labels) {
        if (label < kLetters) ++count[static_cast<std::size_t>(label)];
      }
    }
    for (int label = 0; label < kLetters; ++label) {
      if (count[static_cast<std::size_t>(label)] == 1) output.push_back(label);
    }
  }
  // Per operand: diagonals of repeated labels, then the sum over labels only it has.
  for (std::size_t i = 0; i < operands.size(); ++i) {
    Operand& x = operands[i];
    for (std::size_t p = 0; p < x.labels.size(); ++p) {
      for (std::size_t q = p + 1; q < x.labels.size(); ++q) {
        if (x.labels[q] != x.labels[p]) continue;
        x = take_diagonal(ctx, i, x, p, q, where);
        p = static_cast<std::size_t>(-1);  // labels moved: look again from the start
        break;
      }
    }
    x = sum_labels(x, [&](int label) {
      if (contains(output, label)) return true;
      for (std::size_t j = 0; j < operands.size(); ++j) {
        if (j != i && contains(operands[j].labels, label)) return true;
      }
      return false;
    }, where);
  }
  Operand result = operands[0];
  for (std::size_t i = 1; i < operands.size(); ++i) {
    Labels needed = output;
    for (std::size_t j = i + 1; j < operands.size(); ++j) {
      needed.insert(needed.end(), operands[j].labels.begin(), operands[j].labels.end());
    }
    result = contract(ctx, result, operands[i], needed, where);
  }
  // A "..." dim the explicit output leaves out is summed.
  result = sum_labels(result, [&](int label) { return contains(output, label); }, where);
  return permuted(result, output, where).t;
}

}  // namespace gg
