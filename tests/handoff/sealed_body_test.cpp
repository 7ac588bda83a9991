#include "hookbot/handoff/sealed_body.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "hookbot/handoff/channel.hpp"

using namespace hookbot::handoff;
using hookbot::posix::unique_fd;

TEST_CASE("a sealed body reads back byte for byte, and only at its exact length") {
    std::string body(300 * 1024, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
    const unique_fd fd = seal_body(body);
    CHECK(read_sealed_body(fd.get(), body.size()) == body);
    CHECK_FALSE(read_sealed_body(fd.get(), body.size() - 1));
    CHECK_FALSE(read_sealed_body(fd.get(), body.size() + 1));
    CHECK(::write(fd.get(), "x", 1) == -1);  // sealed against writes
}

TEST_CASE("a sealed body maps read-only, without a copy, and outlives its descriptor") {
    const std::string body(3 * 1024 * 1024 + 5, 'b');
    std::optional<mapped_sealed_body> mapped;
    {
        const unique_fd fd = seal_body(body);
        mapped = map_sealed_body(fd.get(), body.size());
        CHECK_FALSE(map_sealed_body(fd.get(), body.size() - 1));
    }
    REQUIRE(mapped);
    CHECK(mapped->bytes() == body);
}

TEST_CASE("an empty body seals and reads back") {
    const unique_fd fd = seal_body("");
    CHECK(read_sealed_body(fd.get(), 0) == std::string());
}

TEST_CASE("a memfd that is not sealed is refused") {
    const unique_fd fd(::memfd_create("unsealed", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    REQUIRE(fd);
    REQUIRE(::write(fd.get(), "abc", 3) == 3);
    CHECK_FALSE(read_sealed_body(fd.get(), 3));
}

TEST_CASE("a forwarded request crosses a channel with its body in a memfd") {
    auto [worker, acceptor] = channel::pair();
    const std::string body(1 << 20, 'b');
    forwarded_request request;
    request.id = 3;
    request.head = "POST /pub/big HTTP/1.1\r\n\r\n";
    request.body_bytes = body.size();
    request.body_in_memfd = true;
    const unique_fd sealed = seal_body(body);
    REQUIRE(worker.send(request, sealed.get()) == channel::send_result::sent);

    std::optional<channel::received> in;
    REQUIRE(acceptor.receive(in) == channel::receive_status::ready);
    const auto& got = std::get<forwarded_request>(in->body);
    REQUIRE(in->attached);
    CHECK(read_sealed_body(in->attached.get(), got.body_bytes) == body);
}
