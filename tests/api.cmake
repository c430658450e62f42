# The HTTP API tests (tests/api/api_test.py, python3 standard library only): `gradus serve` on a
# fresh store with demo data and users of every role, exercised over real HTTP — on SQLite always,
# on PostgreSQL when GRADUS_TEST_PG names a server (scripts/with-postgres.sh provides one; skipped
# otherwise, a failure with GRADUS_REQUIRE_PG=1).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  foreach(backend sqlite postgresql)
    add_test(NAME api/${backend}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/api/api_test.py $<TARGET_FILE:gradus>
                     ${CMAKE_SOURCE_DIR} ${backend} ${CMAKE_BINARY_DIR}/api_test_${backend})
    set_tests_properties(api/${backend} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
  endforeach()
endif()
