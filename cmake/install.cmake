# `cmake --install build` (prefix /usr/local unless -DCMAKE_INSTALL_PREFIX):
# the four programs together in bin/ (serve starts the others from its own
# folder), the systemd units where systemd looks for the prefix's units, and
# the README the units point to.
include(GNUInstallDirs)

install(TARGETS hookbot hookbot-acceptor hookbot-fanout hookbot-tokens
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The units in systemd/ name /usr/local paths; another prefix (set when
# configuring: the units name it) gets copies with its own, the same text
# otherwise. lib/systemd/system under /usr/local or /usr is where systemd
# looks.
foreach(unit hookbot.service hookbot.socket hookbot-fanout@.service)
  file(READ ${PROJECT_SOURCE_DIR}/systemd/${unit} text)
  string(REPLACE "/usr/local/bin/" "${CMAKE_INSTALL_FULL_BINDIR}/" text "${text}")
  string(REPLACE "/usr/local/share/doc/hookbot/" "${CMAKE_INSTALL_FULL_DOCDIR}/" text "${text}")
  file(WRITE ${PROJECT_BINARY_DIR}/systemd/${unit} "${text}")
  install(FILES ${PROJECT_BINARY_DIR}/systemd/${unit} DESTINATION lib/systemd/system)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/systemd/hookbot.service ${PROJECT_SOURCE_DIR}/systemd/hookbot.socket
             ${PROJECT_SOURCE_DIR}/systemd/hookbot-fanout@.service)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
