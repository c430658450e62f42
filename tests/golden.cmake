# Golden tests of the CLI: each tests/golden/<name>.args holds one command line; the expected
# stdout, stderr and exit code are in <name>.out (see tests/run_golden.cmake to update them).
file(GLOB GRADUS_GOLDEN_ARGS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/golden/*.args)
foreach(args_file ${GRADUS_GOLDEN_ARGS})
  get_filename_component(name ${args_file} NAME_WE)
  add_test(NAME golden/${name}
           COMMAND ${CMAKE_COMMAND} -DGRADUS=$<TARGET_FILE:gradus> -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DNAME=${name}
                   -P ${CMAKE_SOURCE_DIR}/tests/run_golden.cmake)
endforeach()
