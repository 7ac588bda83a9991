# `cpack -G DEB` in a build folder (Release or RelWithDebInfo): the Debian
# package hookbot_<version>-1_<arch>.deb. It holds what cmake/install.cmake
# installs, under /usr (programs in /usr/bin, units in
# /usr/lib/systemd/system naming /usr/bin, the README in
# /usr/share/doc/hookbot), plus:
#
#   /usr/lib/sysusers.d/hookbot.conf   the system user hookbot
#   /usr/lib/tmpfiles.d/hookbot.conf   /var/lib/hookbot, /run/hookbot
#   postinst, prerm, postrm            packaging/debian/: user, directories,
#                                      /etc/hookbot/key on first install,
#                                      enable/start the service
#
# Dependencies are computed with dpkg-shlibdeps (dpkg-dev). Checked by
# tests/package/test_package.sh (install, run, purge).
set(pkg_dir ${PROJECT_SOURCE_DIR}/packaging/debian)

install(FILES ${pkg_dir}/sysusers.conf DESTINATION lib/sysusers.d RENAME hookbot.conf)
install(FILES ${pkg_dir}/tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME hookbot.conf)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hookbot)
set(CPACK_PACKAGE_VENDOR hookbot)
set(CPACK_PACKAGE_CONTACT "hookbot maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "webhooks to websockets")
set(CPACK_PACKAGE_DESCRIPTION
    "Publishers POST to /pub/<topic>; websocket subscribers on /sub/<topic>\n\
receive the body. hookbot serve supervises an HTTP acceptor and fanout\n\
workers that share a bus in POSIX shared memory. Runs as hookbot.service\n\
(or hookbot.socket for socket activation) with a key created on install.")
set(CPACK_STRIP_FILES ON)

# Install with DESTDIR into the staging folder and the real prefix, /usr: the
# units are written naming ${CMAKE_INSTALL_PREFIX}/bin at install time, which
# must be /usr and not the staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries (libc6, libstdc++6, libssl3, libsystemd0, Boost's
# program_options, ...) from dpkg-shlibdeps; systemd for systemd-sysusers and
# systemd-tmpfiles in postinst (init-system-helpers, for deb-systemd-helper,
# is essential).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS systemd)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${pkg_dir}/postinst ${pkg_dir}/prerm ${pkg_dir}/postrm)
# Maintainer scripts 0755, other control files 0644, whatever the checkout's.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
