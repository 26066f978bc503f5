# Writes the text file IN as a C++ function NAME returning it, into OUT (for files the program
# serves, such as docs/openapi.yaml, so that the program does not need the source tree).
file(READ "${IN}" text)
string(FIND "${text}" ")loket_embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN_NAME} by cmake/embed_text.cmake; do not edit.\nnamespace loket::serve {\nconst char* ${NAME}() {\n  return R\"loket_embedded(${text})loket_embedded\";\n}\n}  // namespace loket::serve\n")
file(RENAME "${OUT}.tmp" "${OUT}")
