# Runs one golden CLI test: `gradus <args>` from the source directory, then compares stdout,
# stderr and the exit code with tests/golden/<name>.out. With GRADUS_UPDATE_GOLDEN=1 in the
# environment the expected file is rewritten instead (review the diff before committing).
# Invoked as: cmake -DGRADUS=… -DSOURCE_DIR=… -DNAME=… -P run_golden.cmake
file(STRINGS ${SOURCE_DIR}/tests/golden/${NAME}.args args_line LIMIT_COUNT 1)
separate_arguments(args UNIX_COMMAND "${args_line}")
execute_process(
  COMMAND ${GRADUS} ${args}
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc)
set(actual "$ gradus ${args_line}\n${out}--- stderr ---\n${err}--- exit ${rc} ---\n")
set(expected_file ${SOURCE_DIR}/tests/golden/${NAME}.out)
if("$ENV{GRADUS_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE ${expected_file} "${actual}")
  message(STATUS "updated ${expected_file}")
  return()
endif()
if(NOT EXISTS ${expected_file})
  message(FATAL_ERROR "missing ${expected_file}; run with GRADUS_UPDATE_GOLDEN=1 to create it")
endif()
file(READ ${expected_file} expected)
if(NOT actual STREQUAL expected)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.actual "${actual}")
  execute_process(COMMAND diff -u ${expected_file} ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.actual)
  message(FATAL_ERROR "golden output ${NAME} differs (actual in ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.actual)")
endif()
