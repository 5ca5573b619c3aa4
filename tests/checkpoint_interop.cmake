# Runs the checkpoint round trip with PyTorch: gategrad writes, PyTorch reads and writes back,
# gategrad reads. Variables: INTEROP (the C++ program), PYTHON (Debian's python3 with
# python3-torch), SCRIPT (checkpoint_interop.py), WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
foreach(step "${INTEROP};write;${WORK_DIR}" "${PYTHON};${SCRIPT};${WORK_DIR}" "${INTEROP};check;${WORK_DIR}")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "checkpoint interop: '${step}' failed (exit ${rc})")
  endif()
endforeach()
