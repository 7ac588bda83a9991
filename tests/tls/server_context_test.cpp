#include "hookbot/tls/server_context.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>

using namespace hookbot::tls;

namespace {

// A file that removes itself.
struct temp_file {
    inline static int made = 0;
    std::string path;
    explicit temp_file(const std::string& text)
        : path("/tmp/hookbot-tls-test-" + std::to_string(::getpid()) + "-" +
               std::to_string(++made) + ".pem") {
        std::ofstream(path) << text;
    }
    ~temp_file() { ::unlink(path.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

std::string error_of(const server_files& files) {
    try {
        static_cast<void>(make_server_context(files));
    } catch (const config_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("a missing file is named, with the system's reason") {
    const temp_file key("not a key");
    const std::string message = error_of({"/nonexistent/cert.pem", key.path});
    CHECK(message.find("/nonexistent/cert.pem") != std::string::npos);
    CHECK(message.find("No such file or directory") != std::string::npos);
}

TEST_CASE("a file that is not PEM is named, with OpenSSL's reason") {
    const temp_file cert("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    const temp_file key("garbage");
    const std::string message = error_of({cert.path, key.path});
    CHECK(message.find("cannot use TLS certificate " + cert.path + ": error:") !=
          std::string::npos);
}
