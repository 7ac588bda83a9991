#include "publish/blob_sweeper.hpp"

namespace hookbot::acceptor {

blob_sweeper::blob_sweeper(boost::asio::io_context& ioc, publish_handler& publisher)
    : timer_(ioc), publisher_(publisher) {}

void blob_sweeper::start() {
    arm();
}

void blob_sweeper::stop() {
    timer_.cancel();
}

void blob_sweeper::arm() {
    timer_.expires_after(interval);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        publisher_.release_overwritten_blobs();
        arm();
    });
}

}  // namespace hookbot::acceptor
