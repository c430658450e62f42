# The store scenario (tests/store_scenario.sh) against SQLite and against PostgreSQL (skipped
# unless GRADUS_TEST_PG names a server; scripts/test.sh provides one).
foreach(backend sqlite postgresql)
  add_test(NAME store_scenario/${backend}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/store_scenario.sh $<TARGET_FILE:gradus> ${CMAKE_SOURCE_DIR} ${backend})
  set_tests_properties(store_scenario/${backend} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
