// cluster_relay against a scripted stream link (this file's open_stream_link):
// publishes sent together while one message is in flight, answered by
// JetStream's acknowledgement or refused, consumed records appended at the
// bus_seq their stream sequence makes, a stream of another identity asking
// for a new bus.
#include "cluster/cluster_relay.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cluster/stream_payload.hpp"
#include "hookbot/handoff/channel.hpp"
#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/handoff/stream_batch.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "http/request_plan.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;

namespace {

// What the relay did to the link, and the link's state as the test sets it.
struct scripted_link final : stream_link {
    bool up = true;
    std::size_t payload_limit = 1 << 20;
    std::vector<std::string> sent;
    std::vector<std::uint64_t> sent_ids;
    std::optional<std::uint64_t> consuming_from;
    std::size_t consumed_bytes = 0;
    handlers on;

    [[nodiscard]] bool connected() const noexcept override { return up; }
    [[nodiscard]] std::size_t max_payload() const noexcept override { return payload_limit; }
    bool publish(std::uint64_t publish_id, std::string_view data) override {
        sent.emplace_back(data);
        sent_ids.push_back(publish_id);
        return true;
    }
    // The publish id of the `index`th message sent, the one the message carries.
    [[nodiscard]] std::uint64_t id_of(std::size_t index) const {
        const std::uint64_t id = sent_ids.at(index);
        CHECK(decode_stream_message(sent.at(index))->publish_id == id);
        return id;
    }
    // The bodies the `index`th message sent carries.
    [[nodiscard]] std::vector<std::string> bodies_of(std::size_t index) const {
        const auto message = decode_stream_message(sent.at(index));
        REQUIRE(message);
        std::vector<std::string> bodies;
        for (const stream_record& record : message->records) bodies.emplace_back(record.body);
        return bodies;
    }
    void consume_from(std::uint64_t first_seq) override { consuming_from = first_seq; }
    void consumed(std::size_t bytes) override { consumed_bytes += bytes; }
    // Fetches wait here until the test answers them.
    struct pending_fetch {
        fetch_request request;
        std::function<void(fetched_messages)> done;
    };
    std::vector<pending_fetch> fetches;
    void fetch(fetch_request request, std::function<void(fetched_messages)> done) override {
        fetches.push_back({std::move(request), std::move(done)});
    }
};

scripted_link* the_link = nullptr;

// A stream message as a host would have sent it.
std::string message_of(std::initializer_list<stream_record> records) {
    stream_message_builder built(1);
    for (const stream_record& record : records) REQUIRE(built.add(record, 1 << 20));
    return std::string(built.data());
}

}  // namespace

namespace hookbot::acceptor {

std::unique_ptr<stream_link> open_stream_link(boost::asio::io_context& /*ioc*/,
                                              const cluster::cluster_options& /*options*/,
                                              const std::string& /*client_name*/,
                                              stream_link::handlers handlers) {
    auto link = std::make_unique<scripted_link>();
    link->on = std::move(handlers);
    the_link = link.get();
    return link;
}

}  // namespace hookbot::acceptor

namespace {

constexpr std::uint64_t identity = 0xabcdef;

struct fixture {
    std::string instance = "relay-test-" + std::to_string(::getpid());
    std::string control_path = "/tmp/" + instance + ".sock";
    shm_ring::bus bus = [this] {
        shm_ring::bus_options made;
        made.shards = 2;
        made.ring_bytes = 1u << 20;
        made.max_body_bytes = 64 << 10;
        made.worker_slots = 1;
        made.epoch = identity;
        return shm_ring::bus::create(instance, made);
    }();
    boost::asio::io_context ioc{1};
    worker_pool workers{ioc, bus, handoff::listen_control_socket(control_path), 8};
    publish_handler publisher{bus, workers};
    cluster::cluster_options options = [] {
        cluster::cluster_options o;
        o.urls = {"nats://127.0.0.1:1"};
        o.publish_timeout = std::chrono::milliseconds(50);
        return o;
    }();
    int replacements = 0;
    cluster_relay relay{ioc, options, bus, publisher, nullptr, [this] { ++replacements; }};

    fixture() {
        relay.start("test");
        REQUIRE(the_link != nullptr);
    }
    fixture(const fixture&) = delete;
    fixture& operator=(const fixture&) = delete;
    ~fixture() {
        ::unlink(control_path.c_str());
        shm_ring::bus::remove(instance);
    }

    scripted_link& link() const { return *the_link; }
    // Runs what the link "posted" and what the relay armed, until idle.
    void settle() {
        ioc.restart();
        ioc.poll();
    }
    void stream_is(std::uint64_t id, std::uint64_t last_seq) {
        link().on.stream({id, last_seq});
        settle();
    }
    // Publishes `body` to topic "t"; its answer lands in `answer`.
    void publish(std::string_view body, std::optional<publish_handler::outcome>& answer) {
        publish_plan plan;
        plan.topic = "t";
        boost::beast::http::request_header<> head;
        publisher.publish(plan, head, body,
                          [&answer](publish_handler::outcome o) { answer = std::move(o); });
    }
    std::optional<publish_handler::outcome> publish(std::string_view body) {
        std::optional<publish_handler::outcome> answer;
        publish(body, answer);
        return answer;
    }
    void consume(std::uint64_t seq, std::initializer_list<stream_record> records) {
        link().on.message({seq, 0, 1, message_of(records)});
        settle();
    }
    void consume(std::uint64_t seq, std::string_view topic, std::string_view body) {
        consume(seq, {{topic, 0, body}});
    }
    // The bus's records: bus_seq and body.
    std::vector<std::pair<std::uint64_t, std::string>> bus_records() {
        shm_ring::bus_reader reader(bus, 0, std::vector<std::uint32_t>{0, 1});
        std::vector<std::pair<std::uint64_t, std::string>> read;
        while (auto record = reader.next())
            read.emplace_back(record->bus_seq, std::string(record->body));
        return read;
    }
};

shm_ring::message_id id_of(const std::optional<publish_handler::outcome>& answer) {
    REQUIRE(answer);
    REQUIRE(std::holds_alternative<shm_ring::message_id>(*answer));
    return std::get<shm_ring::message_id>(*answer);
}

unsigned status_of(const std::optional<publish_handler::outcome>& answer) {
    REQUIRE(answer);
    const auto* refused = std::get_if<responses::response>(&*answer);
    return refused ? refused->result_int() : 200;
}

}  // namespace

TEST_CASE("a publish is answered with the id its stream message makes, once acknowledged") {
    fixture f;
    CHECK(status_of(f.publish("early")) == 503);  // the stream is not known yet
    f.stream_is(identity, 41);
    REQUIRE(f.link().consuming_from == 42);  // a new bus starts at the stream's end

    std::optional<publish_handler::outcome> hello;
    f.publish("hello", hello);
    CHECK(f.link().sent.empty());  // sent at the end of the loop's turn
    f.settle();
    REQUIRE(f.link().sent.size() == 1);
    const auto message = decode_stream_message(f.link().sent[0]);
    REQUIRE(message);
    REQUIRE(message->records.size() == 1);
    CHECK(message->records[0].topic == "t");
    CHECK(message->records[0].body == "hello");
    CHECK_FALSE(hello);  // waiting for the acknowledgement

    f.link().on.ack({f.link().id_of(0), 43, ""});
    f.settle();
    CHECK(id_of(hello) == shm_ring::message_id{identity, 43'000});
    CHECK(f.bus.acceptor().cluster.publish_ack.sum_us.load() >= 0);
}

TEST_CASE("publishes that arrive while 8 messages are in flight go together in the next") {
    fixture f;
    f.stream_is(identity, 0);
    std::vector<std::optional<publish_handler::outcome>> alone(8);
    for (std::size_t i = 0; i < alone.size(); ++i) {
        f.publish("alone " + std::to_string(i), alone[i]);
        f.settle();  // a loop turn each: a message each
    }
    REQUIRE(f.link().sent.size() == 8);
    std::vector<std::optional<publish_handler::outcome>> later(3);
    for (std::size_t i = 0; i < later.size(); ++i)
        f.publish("later " + std::to_string(i), later[i]);
    f.settle();
    CHECK(f.link().sent.size() == 8);  // 8 in flight at most

    // Acknowledged in any order: each answers its own.
    f.link().on.ack({f.link().id_of(3), 4, ""});
    f.settle();
    CHECK(id_of(alone[3]) == shm_ring::message_id{identity, 4'000});
    CHECK_FALSE(alone[0]);
    REQUIRE(f.link().sent.size() == 9);
    CHECK(f.link().bodies_of(8) == std::vector<std::string>{"later 0", "later 1", "later 2"});
    CHECK_FALSE(later[0]);

    for (std::size_t i = 0; i < 9; ++i) {
        if (i != 3) f.link().on.ack({f.link().id_of(i), 10 + i, ""});
    }
    f.settle();
    CHECK(id_of(alone[0]) == shm_ring::message_id{identity, 10'000});
    for (std::size_t i = 0; i < later.size(); ++i)
        CHECK(id_of(later[i]) == shm_ring::message_id{identity, 18'000 + i});
    std::uint64_t observed = 0;
    for (const auto& bucket : f.bus.acceptor().cluster.publish_ack.buckets)
        observed += bucket.load();
    CHECK(observed == 11);  // one each

    // A message holds what max_payload allows: the rest waits for the next.
    f.link().payload_limit = stream_message_bytes({"t", 0, "0123456789"}) + 20;
    std::vector<std::optional<publish_handler::outcome>> small(10);
    for (std::size_t i = 0; i < 8; ++i) {
        f.publish("in flight", small[i]);
        f.settle();
    }
    f.publish("0123456789", small[8]);
    f.publish("0123456789", small[9]);
    f.link().on.ack({f.link().id_of(9), 20, ""});
    f.settle();
    REQUIRE(f.link().sent.size() == 18);
    CHECK(f.link().bodies_of(17) == std::vector<std::string>{"0123456789"});
}

TEST_CASE("a publish JetStream refuses, does not answer in time, or cannot reach gets 503") {
    fixture f;
    f.stream_is(identity, 0);

    std::vector<unsigned> statuses;
    publish_plan plan;
    plan.topic = "t";
    const auto note = [&statuses](publish_handler::outcome o) {
        const auto* refused = std::get_if<responses::response>(&o);
        statuses.push_back(refused ? refused->result_int() : 200);
    };
    f.publisher.publish(plan, {}, "refused", note);
    f.settle();
    f.link().on.ack({f.link().id_of(f.link().sent.size() - 1), 0, "insufficient resources"});
    f.settle();
    REQUIRE(statuses == std::vector<unsigned>{503});

    // Unanswered: those in flight and what waits behind them get 503 at
    // their deadline.
    for (int i = 0; i < 8; ++i) {
        f.publisher.publish(plan, {}, "unanswered", note);
        f.settle();
    }
    const auto late_id = f.link().id_of(f.link().sent.size() - 1);
    f.publisher.publish(plan, {}, "behind them", note);
    f.ioc.restart();
    f.ioc.run_for(std::chrono::milliseconds(200));  // past the 50 ms timeout
    REQUIRE(statuses == std::vector<unsigned>(10, 503));
    f.link().on.ack({late_id, 7, ""});  // too late: answered already, once
    f.settle();
    CHECK(statuses.size() == 10);

    f.link().up = false;
    f.publisher.publish(plan, {}, "disconnected", note);
    CHECK(statuses == std::vector<unsigned>(11, 503));
    const auto& counters = f.bus.acceptor().cluster;
    CHECK(counters.refused_error.load() == 1);
    CHECK(counters.refused_timeout.load() == 9);
    CHECK(counters.refused_disconnected.load() == 1);

    f.link().up = true;
    f.link().payload_limit = 16;
    f.publisher.publish(plan, {}, std::string(100, 'x'), note);
    CHECK(statuses.back() == 413);
}

TEST_CASE("consumed records go on the bus at the bus_seq their message makes, once each") {
    fixture f;
    f.stream_is(identity, 9);
    f.consume(10, "a", "ten");
    f.consume(10, "a", "ten again");                               // the consumer started over
    f.consume(12, {{"b", 0, "twelve"}, {"c", 0, "twelve, 2nd"}});  // 11 expired from the stream
    CHECK(f.link().consumed_bytes > 0);
    f.link().on.message({13, 0, 1, "not ours"});
    f.settle();

    CHECK(f.bus_records() == std::vector<std::pair<std::uint64_t, std::string>>{
                                 {10'000, "ten"}, {12'000, "twelve"}, {12'001, "twelve, 2nd"}});
    CHECK(f.bus.first_bus_seq() == 10'000);  // joined the stream at its end
    CHECK(f.bus.acceptor().cluster.stream_sequence.load() == 13);
    CHECK(f.bus.acceptor().cluster.lag_messages.load() == 0);
}

TEST_CASE("a bus that holds part of the stream catches up from its newest message") {
    fixture f;
    f.publisher.append_at(5'001, "t", "held", 0);
    f.stream_is(identity, 20);
    CHECK(f.link().consuming_from == 5);  // read again: the rest of it may be missing
    CHECK(f.bus.acceptor().cluster.lag_messages.load() == 15);
    f.consume(5, {{"t", 0, "held before"}, {"t", 0, "held"}, {"t", 0, "missing"}});
    f.consume(6, "t", "six");
    CHECK(f.bus_records() == std::vector<std::pair<std::uint64_t, std::string>>{
                                 {5'001, "held"}, {5'002, "missing"}, {6'000, "six"}});
}

TEST_CASE("a stream of another identity asks for a new bus, and nothing more is written") {
    fixture f;
    f.stream_is(identity, 3);
    f.stream_is(identity + 1, 0);  // deleted and made again
    CHECK(f.replacements == 1);
    CHECK(f.bus.acceptor().cluster.requested_epoch.load() == identity + 1);
    f.consume(4, "t", "too late");
    CHECK(f.publisher.last_bus_seq() == 3'999);  // begun at the stream's end, nothing appended
    CHECK(status_of(f.publish("now")) == 503);
}

TEST_CASE("a resume older than the bus gets the subscription's messages of the stream") {
    fixture f;
    f.stream_is(identity, 50);
    std::vector<std::pair<handoff::stream_messages, posix::unique_fd>> answers;
    const auto reply = [&answers](handoff::stream_messages m, posix::unique_fd batch) {
        answers.emplace_back(m, std::move(batch));
    };
    // After the 3rd record of stream message 10, through the 1st of message 40.
    f.relay.fetch({3, "a/", true, 10'002, 40'000}, reply);
    REQUIRE(f.link().fetches.size() == 1);
    const fetch_request& asked = f.link().fetches[0].request;
    CHECK(asked.after_seq == 9);  // message 10 read again: what follows 10'002 is in it
    CHECK(asked.through_seq == 40);
    // The subscription's filter, run by the link on what it reads.
    CHECK(asked.keep(message_of({{"b", 0, "x"}, {"a/b", 0, "x"}})));
    CHECK(asked.keep(message_of({{"a/", 0, "x"}})));
    CHECK_FALSE(asked.keep(message_of({{"b", 0, "x"}})));
    CHECK_FALSE(asked.keep("not a message"));
    CHECK(answers.empty());

    fetched_messages got;
    got.read_from = 10;
    got.read_through = 40;
    got.kept.push_back({10, 0, 1000,
                        message_of({{"a/b", 0, "before"},
                                    {"a/b", 0, "before"},
                                    {"a/b", 0, "at"},
                                    {"b", 0, "another topic"},
                                    {"a/c", 4, "ten, 5th"}})});
    got.kept.push_back({30, 0, 2000, message_of({{"a/b", 0, "thirty"}})});
    got.kept.push_back({40, 0, 3000, message_of({{"a/d", 0, "forty"}, {"a/d", 0, "past"}})});
    f.link().fetches[0].done(std::move(got));
    REQUIRE(answers.size() == 1);
    const auto& [answer, batch_fd] = answers[0];
    CHECK(answer.id == 3);
    CHECK(answer.read_from == 10'003);  // nothing missing after 10'002
    CHECK(answer.read_through == 40'000);
    const auto batch = handoff::read_sealed_body(batch_fd.get(), answer.bytes);
    REQUIRE(batch);
    handoff::batch_reader reader(*batch);
    std::vector<std::pair<std::uint64_t, std::string>> read;
    while (const auto record = reader.next()) read.emplace_back(record->seq, record->body);
    CHECK(read == std::vector<std::pair<std::uint64_t, std::string>>{
                      {10'004, "ten, 5th"}, {30'000, "thirty"}, {40'000, "forty"}});

    // The stream no longer holds message 10, and the read stopped at 30.
    f.relay.fetch({4, "a/", true, 10'002, 40'000}, reply);
    fetched_messages later;
    later.read_from = 12;
    later.read_through = 30;
    f.link().fetches[1].done(std::move(later));
    REQUIRE(answers.size() == 2);
    CHECK(answers[1].first.read_from == 12'000);  // a gap: 10'003 on may be lost
    CHECK(answers[1].first.read_through == 30'999);
    CHECK(answers[1].first.bytes == 0);
}

TEST_CASE("a resume is not served from the stream when it is out of reach") {
    fixture f;
    std::vector<handoff::stream_messages> answers;
    const auto reply = [&answers](handoff::stream_messages m, posix::unique_fd batch) {
        CHECK_FALSE(batch);
        answers.push_back(m);
    };
    f.relay.fetch({1, "t", false, 10, 40}, reply);  // the stream not known yet
    f.stream_is(identity, 50);
    f.link().up = false;
    f.relay.fetch({2, "t", false, 10, 40}, reply);
    f.link().up = true;
    for (std::uint64_t id = 3; id < 20; ++id) f.relay.fetch({id, "t", false, 10, 40}, reply);
    CHECK(f.link().fetches.size() == 4);  // the others go on from the bus at once
    REQUIRE(answers.size() == 2 + 17 - 4);
    for (const auto& answer : answers) {
        CHECK(answer.read_from == 11);  // nothing read
        CHECK(answer.read_through == 10);
        CHECK(answer.bytes == 0);
    }
}
