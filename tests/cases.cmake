# Every policy cases file is one ctest: `gradus policy test <file>` (the policy beside it and its
# overlays are loaded from disk, so the test checks the files as they are in the tree).
file(GLOB_RECURSE GRADUS_CASES_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/policies/*.cases.yaml)
foreach(cases ${GRADUS_CASES_FILES})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/policies ${cases})
  string(REPLACE ".cases.yaml" "" name ${rel})
  add_test(NAME cases/${name} COMMAND gradus policy test ${cases} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
# The embedded copies (what a user's binary runs) must pass too, and every shipped file must load.
add_test(NAME cases/embedded COMMAND gradus policy test)
