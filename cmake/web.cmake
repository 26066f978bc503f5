# The web desk's bundle (web/build.mjs: esbuild over web/src plus the persona and conflict
# menus) in <build>/web, rebuilt whenever one of its sources changes, so `cmake --build`
# never leaves `loket serve` and the browser tests with a stale page. Needs node and the
# packages of web/package-lock.json (scripts/build.sh runs `npm ci` before configuring);
# without them the bundle is not built and `loket serve` says so at GET /.
find_program(LOKET_NODE node)
if(LOKET_NODE AND EXISTS ${PROJECT_SOURCE_DIR}/web/node_modules/esbuild)
  file(GLOB_RECURSE LOKET_WEB_SOURCES CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/web/src/*
    ${PROJECT_SOURCE_DIR}/examples/cases/*
    ${PROJECT_SOURCE_DIR}/examples/conflicts/*)
  add_custom_command(
    OUTPUT ${PROJECT_BINARY_DIR}/web/app.js
    COMMAND ${LOKET_NODE} ${PROJECT_SOURCE_DIR}/web/build.mjs ${PROJECT_BINARY_DIR}/web
    DEPENDS ${PROJECT_SOURCE_DIR}/web/build.mjs ${PROJECT_SOURCE_DIR}/web/package-lock.json
      ${LOKET_WEB_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "Bundling the web desk into ${PROJECT_BINARY_DIR}/web"
    VERBATIM)
  add_custom_target(loket_web ALL DEPENDS ${PROJECT_BINARY_DIR}/web/app.js)
else()
  message(STATUS "loket: node or web/node_modules missing; the web desk is not bundled")
endif()
