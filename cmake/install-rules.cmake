include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS loket loket_cli
  EXPORT loketTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/loket DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT loketTargets
  NAMESPACE loket::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/loket)

configure_package_config_file(cmake/loketConfig.cmake.in
  ${PROJECT_BINARY_DIR}/loketConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/loket)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/loketConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/loketConfig.cmake ${PROJECT_BINARY_DIR}/loketConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/loket)
