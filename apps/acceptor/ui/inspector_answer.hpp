#pragma once

#include <boost/beast/http/message.hpp>

#include "http/request_plan.hpp"
#include "http/responses.hpp"

// The answer to a request under /ui (docs/PROTOCOL.md, "The inspector
// page"): one of the embedded files with the headers that keep the page
// safe (a strict Content-Security-Policy, nosniff, no referrer, no framing)
// and fresh (an entity tag, revalidated each time: 304 when unchanged).
// Pure: the request head in, the response out.
namespace hookbot::acceptor::ui {

// Only reached with --ui on: off, routing gives /ui back to the root endpoint.
responses::response answer_inspector(const ui_plan& plan, const http::request_header<>& head);

// What the page may do: its own scripts, styles and connections to this
// server (the subscription, /metrics), images from itself or data: URLs;
// no plugins, no frames around it, no <base>, no form submissions.
inline constexpr std::string_view inspector_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

}  // namespace hookbot::acceptor::ui
