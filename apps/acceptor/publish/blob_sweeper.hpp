#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "publish/publish_handler.hpp"

namespace hookbot::acceptor {

// A large-body blob lives as long as its record is in its ring (resumes
// replay it). Small publishes overwrite such records without touching the
// blobs; this unlinks the blobs of overwritten records once a second, so
// that their memory comes back without waiting for the next large body.
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
