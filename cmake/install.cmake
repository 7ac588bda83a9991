# `cmake --install build` (prefix /usr/local unless -DCMAKE_INSTALL_PREFIX or
# --prefix): the four programs together in bin/ (serve starts the others from
# its own folder), the systemd units where systemd looks for the prefix's
# units, and the README the units point to. cmake/package.cmake packs the
# same files, prefix /usr, into a Debian package.
include(GNUInstallDirs)

install(TARGETS hookbot hookbot-acceptor hookbot-fanout hookbot-tokens
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET hookbot-acceptor-cluster)
  install(TARGETS hookbot-acceptor-cluster RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The units in systemd/ name /usr/local paths; another prefix gets copies
# with its own, the same text otherwise. The prefix is the one installed to,
# read when installing (--prefix, or cpack's /usr), not when configuring.
# lib/systemd/system under /usr/local or /usr is where systemd looks.
set(HOOKBOT_UNITS hookbot.service hookbot.socket hookbot-fanout@.service)
set(unit_staging ${PROJECT_BINARY_DIR}/systemd-install)
install(CODE "
  foreach(unit ${HOOKBOT_UNITS})
    file(READ \"${PROJECT_SOURCE_DIR}/systemd/\${unit}\" text)
    string(REPLACE \"/usr/local/bin/\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/\" text \"\${text}\")
    string(REPLACE \"/usr/local/share/doc/hookbot/\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}/\" text \"\${text}\")
    file(WRITE \"${unit_staging}/\${unit}\" \"\${text}\")
  endforeach()
")
foreach(unit ${HOOKBOT_UNITS})
  install(FILES ${unit_staging}/${unit} DESTINATION lib/systemd/system)
endforeach()

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
