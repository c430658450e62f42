# Command-line checks with Chinese arguments and larger pools (tests/cli_checks.sh).
add_test(NAME cli_checks COMMAND ${CMAKE_SOURCE_DIR}/tests/cli_checks.sh $<TARGET_FILE:gradus> ${CMAKE_SOURCE_DIR})
