// hookbot-acceptor's stream link: none. `hookbot serve --cluster` starts
// hookbot-acceptor-cluster, which links nats/ instead.
#include <stdexcept>

#include "cluster/stream_link.hpp"

namespace hookbot::acceptor {

std::unique_ptr<stream_link> open_stream_link(boost::asio::io_context& /*ioc*/,
                                              const cluster::cluster_options& /*options*/,
                                              const std::string& /*client_name*/,
                                              stream_link::handlers /*handlers*/) {
    throw std::runtime_error(
        "hookbot-acceptor is built without NATS: --cluster needs hookbot-acceptor-cluster");
}

}  // namespace hookbot::acceptor
