# GEMM sources, owned by tensor/gemm/. Paths are relative to tensor/.
target_sources(gategrad_tensor PRIVATE
  gemm/gemm.cpp
  gemm/gemm_dot_rows.cpp
  gemm/gemm_reference.cpp)
