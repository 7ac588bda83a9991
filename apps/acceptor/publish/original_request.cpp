#include "publish/original_request.hpp"

#include "hookbot/request_metadata/kept_headers.hpp"
#include "hookbot/request_metadata/kept_query.hpp"
#include "hookbot/request_metadata/kept_request.hpp"

namespace hookbot::acceptor {

kept_or_refused keep_original_request(const boost::beast::http::request_header<>& head,
                                      std::string_view raw_query) {
    request_metadata::kept_request kept;
    kept.method = std::string(head.method_string());
    kept.query = request_metadata::kept_query(raw_query);
    std::size_t fields = 0;
    for (const auto& field : head) {
        if (!request_metadata::is_kept_header(field.name_string())) continue;
        if (++fields > request_metadata::max_kept_headers) {
            return responses::header_fields_too_large();
        }
        kept.add_header(field.name_string(), field.value());
    }
    std::string json = request_metadata::to_json(kept);
    if (json.size() > request_metadata::max_json_bytes) return responses::header_fields_too_large();
    return json;
}

}  // namespace hookbot::acceptor
