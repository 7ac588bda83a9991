#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "publish/publish_handler.hpp"

namespace hookbot::acceptor {

// Every publish unlinks the large-body blobs the workers have read; this
// does it on an idle bus too, once a second, so that after a burst of 25 MiB
// webhooks /dev/shm gives the memory back without waiting for the next one.
class blob_sweeper {
  public:
    static constexpr std::chrono::seconds interval{1};

    blob_sweeper(boost::asio::io_context& ioc, publish_handler& publisher);
    void start();
    void stop();

  private:
    void arm();

    boost::asio::steady_timer timer_;
    publish_handler& publisher_;
};

}  // namespace hookbot::acceptor
