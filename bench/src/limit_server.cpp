#include "limit_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <hookbot/posix/error.hpp>
#include <iostream>

#include "net.hpp"

namespace hookbot::bench {
namespace {

// RFC 6455 section 5.2, server to client: FIN + binary, no mask.
void write_frame_header(std::vector<unsigned char>& out, std::size_t payload) {
    out.push_back(0x82);
    if (payload < 126) {
        out.push_back(static_cast<unsigned char>(payload));
    } else if (payload <= 0xffff) {
        out.push_back(126);
        out.push_back(static_cast<unsigned char>(payload >> 8));
        out.push_back(static_cast<unsigned char>(payload));
    } else {
        out.push_back(127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<unsigned char>(static_cast<std::uint64_t>(payload) >> shift));
        }
    }
}

}  // namespace

limit_server::limit_server(posix::unique_fd listener) : listener_(std::move(listener)) {
    loop_.add(listener_.get(), EPOLLIN, this);
}

void limit_server::run() {
    bool more = false;
    for (;;) {
        // Held answers are looked at every millisecond (max_hold).
        loop_.run_once(more ? 0 : held_answers_.empty() ? -1 : 1);
        more = flush();
        closed_.clear();
    }
}

void limit_server::on_io(std::uint32_t /*events*/) {
    for (;;) {
        const int fd = accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                std::cerr << "hookbot-bench limit: accept: " << std::strerror(errno) << "\n";
            }
            return;
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto connection = std::make_unique<limit_connection>(*this, posix::unique_fd(fd));
        loop_.add(fd, EPOLLIN, connection.get());
        connections_.emplace(connection.get(), std::move(connection));
    }
}

void limit_server::subscribe(limit_connection& connection) {
    const std::string& topic = connection.topic();
    auto& map = !topic.empty() && topic.back() == '/' ? prefixes_ : exact_;
    map[topic].push_back(&connection);
}

void limit_server::fan_out(const std::vector<limit_connection*>& subscribers,
                           std::string_view prefix, std::span<const unsigned char> body) {
    shared_frame* frame = pool_.acquire();
    frame->bytes.clear();
    const std::size_t payload = body.size() + (prefix.empty() ? 0 : prefix.size() + 1);
    write_frame_header(frame->bytes, payload);
    if (!prefix.empty()) {
        frame->bytes.insert(frame->bytes.end(), prefix.begin(), prefix.end());
        frame->bytes.push_back(0);
    }
    frame->bytes.insert(frame->bytes.end(), body.begin(), body.end());
    for (limit_connection* subscriber : subscribers) {
        subscriber->queue(frame, frame->bytes.data(), frame->bytes.size());
    }
    pool_.give_back_unused(frame);
}

// P7: exact subscribers get the body, each subscriber of a prefix of the
// topic (ending in '/') gets "topic NUL body"; the frame is built once.
void limit_server::publish(std::string_view topic, std::span<const unsigned char> body) {
    if (const auto exact = exact_.find(topic); exact != exact_.end() && !exact->second.empty()) {
        fan_out(exact->second, {}, body);
    }
    if (prefixes_.empty()) return;
    std::vector<limit_connection*>& matching = prefix_matches_;
    matching.clear();
    for (auto slash = topic.find('/'); slash != std::string_view::npos;
         slash = topic.find('/', slash + 1)) {
        if (const auto it = prefixes_.find(topic.substr(0, slash + 1)); it != prefixes_.end()) {
            matching.insert(matching.end(), it->second.begin(), it->second.end());
        }
    }
    if (!matching.empty()) fan_out(matching, topic, body);
}

void limit_server::answer(limit_connection& publisher) {
    if (held_answers_.empty() && pool_.in_use() < window) {
        publisher.queue_answer();
    } else {
        held_answers_.push_back({&publisher, std::chrono::steady_clock::now()});
    }
}

void limit_server::release_held_answers() {
    const auto overdue = std::chrono::steady_clock::now() - max_hold;
    while (!held_answers_.empty() &&
           (pool_.in_use() < window || held_answers_.front().since <= overdue)) {
        held_answers_.front().publisher->queue_answer();
        held_answers_.pop_front();
    }
}

void limit_server::needs_flush(limit_connection& connection) {
    if (connection.flushing()) return;
    connection.set_flush_queued(true);
    (connection.is_subscriber() ? to_flush_ : publishers_to_flush_).push_back(&connection);
}

void limit_server::flush_connection(limit_connection* connection) {
    // One closed since it was queued is gone from connections_ (the pointer
    // is only compared, never followed).
    if (!connections_.contains(connection)) return;
    connection->set_flush_queued(false);
    if (!connection->flush()) close(*connection);
}

void limit_server::flush_answers() {
    for (std::size_t i = 0; i < publishers_to_flush_.size(); ++i) {
        flush_connection(publishers_to_flush_[i]);
    }
    publishers_to_flush_.clear();
}

bool limit_server::flush() {
    // Answers first: the publishers' next requests are what the subscribers'
    // next batches are made of.
    flush_answers();
    using clock = std::chrono::steady_clock;
    const auto end = clock::now() + flush_slice;
    for (std::size_t flushed = 1;; ++flushed) {
        if (next_flush_ == flushing_.size()) {
            flushing_.clear();
            next_flush_ = 0;
            if (to_flush_.empty()) break;
            flushing_.swap(to_flush_);
        }
        flush_connection(flushing_[next_flush_++]);
        if (flushed % 8 == 0 && clock::now() >= end) break;
    }
    release_held_answers();
    flush_answers();
    return next_flush_ < flushing_.size() || !to_flush_.empty();
}

void limit_server::close(limit_connection& connection) {
    const auto owned = connections_.find(&connection);
    if (owned == connections_.end()) return;
    loop_.remove(connection.fd());
    const std::string& topic = connection.topic();
    auto& map = !topic.empty() && topic.back() == '/' ? prefixes_ : exact_;
    if (const auto it = map.find(topic); it != map.end()) {
        auto& list = it->second;
        list.erase(std::remove(list.begin(), list.end(), &connection), list.end());
    }
    std::erase_if(held_answers_,
                  [&](const held_answer& held) { return held.publisher == &connection; });
    closed_.push_back(std::move(owned->second));
    connections_.erase(owned);
}

int run_limit(int argc, char** argv) {
    namespace po = boost::program_options;
    std::string bind = "127.0.0.1:8081";
    std::string pin;
    po::options_description desc(
        "hookbot-bench limit [options]: the ceiling server (POST /pub/<topic>, websocket "
        "/sub/<topic>, no checks)");
    desc.add_options()("help,h", "this text")("bind", po::value(&bind)->default_value(bind),
                                              "HOST:PORT to listen on (port 0: any)")(
        "pin", po::value(&pin), "CPU list to pin the server to");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "hookbot-bench limit: " << e.what() << "\n" << desc;
        return 2;
    }
    if (vm.count("help") != 0) {
        std::cout << desc;
        return 0;
    }
    if (!pin.empty()) pin_to_cpus(pin);
    raise_file_limit();
    const endpoint address = parse_endpoint(bind);
    posix::unique_fd listener = listen_on(address.address);
    const std::uint16_t port = local_port(listener.get());
    std::cerr << "hookbot-bench limit: listening on " << bind << " (port " << port << ")"
              << std::endl;
    limit_server server(std::move(listener));
    server.run();
}

}  // namespace hookbot::bench
