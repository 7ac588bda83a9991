#include "ui/inspector_answer.hpp"

#include "ui/entity_tag.hpp"
#include "ui/inspector_files.hpp"

namespace hookbot::acceptor::ui {
namespace {

// "/ui/" then the file's name.
constexpr std::string_view prefix = "/ui/";

// The fields a 200 and its 304 share (RFC 9110 §15.4.5: a 304 carries the
// validator and the caching fields a 200 would have).
void set_page_fields(responses::response& res, const std::string& tag) {
    res.set(http::field::server, "hookbot");
    res.set(http::field::etag, tag);
    // Stored, but checked with the server before each use: a new build's
    // page is seen at once, an unchanged one costs a 304.
    res.set(http::field::cache_control, "no-cache");
    res.set("Content-Security-Policy", inspector_content_security_policy);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");  // frame-ancestors, for browsers without CSP 2
    res.set("Cross-Origin-Opener-Policy", "same-origin");
}

responses::response file_answer(const embedded_file& file, const std::string& tag) {
    responses::response res{http::status::ok, 11};
    set_page_fields(res, tag);
    res.set(http::field::content_type, content_type_of(file.name));
    res.body().assign(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size());
    return res;
}

responses::response not_modified(const std::string& tag) {
    responses::response res{http::status::not_modified, 11};
    set_page_fields(res, tag);
    return res;
}

}  // namespace

responses::response answer_inspector(const ui_plan& plan, const http::request_header<>& head) {
    if (head.method() != http::verb::get && head.method() != http::verb::head) {
        return responses::read_only_method_not_allowed();
    }
    // The page's relative links need the trailing '/'.
    if (!plan.path.starts_with(prefix)) return responses::moved_permanently(prefix, head.method());
    const embedded_file* file =
        find_inspector_file(std::string_view(plan.path).substr(prefix.size()));
    if (file == nullptr) return responses::not_found();
    const std::string tag = entity_tag(file->sha256);
    if (none_match_names(head[http::field::if_none_match], tag)) return not_modified(tag);
    return file_answer(*file, tag);
}

}  // namespace hookbot::acceptor::ui
