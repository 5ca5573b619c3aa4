# Runs one of examples/ and checks what it printed. Variables: PROGRAM, ARGS (its arguments, a
# list, may be empty), EXPECTED (a text file:
# each line that is not empty or a # comment must appear in the output, after the line before
# it; \n in a line stands for a line break). Fails when the program exits non-zero or a line
# is missing.
execute_process(COMMAND ${PROGRAM} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed (exit ${rc})")
endif()
file(STRINGS ${EXPECTED} lines)
set(rest "${out}")
foreach(line IN LISTS lines)
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  string(REPLACE "\\n" "\n" line "${line}")
  string(FIND "${rest}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${PROGRAM} did not print '${line}' (after the lines of ${EXPECTED} "
      "before it)")
  endif()
  string(LENGTH "${line}" length)
  math(EXPR after "${at} + ${length}")
  string(SUBSTRING "${rest}" ${after} -1 rest)
endforeach()
