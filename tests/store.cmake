# The store scenario (tests/store_scenario.sh) against SQLite and against PostgreSQL (skipped
# unless GRADUS_TEST_PG names a server; scripts/test.sh provides one).
foreach(backend sqlite postgresql)
  add_test(NAME store_scenario/${backend}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/store_scenario.sh $<TARGET_FILE:gradus> ${CMAKE_SOURCE_DIR} ${backend})
  set_tests_properties(store_scenario/${backend} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# The store's guards at the CLI (tests/store_cli.cmake): a missing --db store is refused without
# being created; demo data never goes into a store holding imported data.
add_test(NAME store_cli/guards
         COMMAND ${CMAKE_COMMAND} -DGRADUS=$<TARGET_FILE:gradus> -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
                 -DWORK=${CMAKE_BINARY_DIR}/store_cli_test -P ${CMAKE_SOURCE_DIR}/tests/store_cli.cmake)
