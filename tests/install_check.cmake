# Installs the build tree to a scratch prefix, builds examples/consumer against it with
# find_package(gategrad), runs it and checks its output. Run with cmake -P; variables:
# SOURCE_DIR, BUILD_DIR, WORK_DIR, CXX_COMPILER (the library's: a sanitizer runtime must match),
# CONSUMER_FLAGS (compile/link flags, e.g. sanitizers).
file(REMOVE_RECURSE ${WORK_DIR})

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install check: ${what} failed (exit ${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run_step("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer
  -B ${WORK_DIR}/consumer -G "Unix Makefiles" -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
# The library is built with -march=native (GG_NATIVE) or x86-64-v2; a consumer must get none
# of it, and must link although its xsimd/xtensor defaults (alignment, SIMD width) then differ
# from the library's: no public signature may depend on them. The consumer's flags are exactly
# CONSUMER_FLAGS (CMAKE_CXX_FLAGS is set, so $CXXFLAGS is not read) plus what the installed
# targets export, so both the exported targets and the compile and link lines are checked.
set(simd_flags "-march|-mtune|-mcpu|-mavx|-msse|-mfma|-mf16c|-mbmi|-mpopcnt|-mlzcnt")
file(GLOB exported ${WORK_DIR}/prefix/*/cmake/gategrad/*.cmake)
foreach(file ${exported} ${WORK_DIR}/consumer/CMakeFiles/consumer.dir/flags.make
        ${WORK_DIR}/consumer/CMakeFiles/consumer.dir/link.txt)
  file(READ ${file} flags)
  if(flags MATCHES "${simd_flags}")
    message(FATAL_ERROR "install check: the installed package forces SIMD flags on its consumer "
      "(${CMAKE_MATCH_0} in ${file}):\n${flags}")
  endif()
endforeach()
run_step("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run_step("running the consumer" ${WORK_DIR}/consumer/consumer)
set(expected "row sums: 1 1 1 1\nargmax: ok\ntensor: ok\nautograd: ok\ndata: ok\ntraining: ok\ncheckpoint: ok\n")
if(NOT step_output STREQUAL expected)
  message(FATAL_ERROR "install check: unexpected consumer output: '${step_output}', expected '${expected}'")
endif()
message(STATUS "install check: consumer built with find_package(gategrad) printed: ${step_output}")
