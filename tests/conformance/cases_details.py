"""docs/PROTOCOL.md's details D1-D6, one case per bullet or consequence."""
import asyncio
import base64
import json

from cases_rules import envelope
from conformance import (UNSAFE_OK, ServerCase, async_case, basic, bearer, framed, http_request,
                         receive, token, websocket_headers)

UNSAFE_HEADER_REQUIRED = b"400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n"


class RequestOrder(ServerCase):
    """D1: the order in which a request is processed."""

    def test_D1_1_bad_percent_escape_gets_400_and_close(self):
        for target in ("/pub/%zz", "/sub/a%2", f"/{self.u}%g0", "/status%"):
            with self.server.connect() as connection:
                connection.send(http_request("POST", target, bearer("/"), b""))
                response = connection.read_response()
                self.assertEqual(response.status_line, "HTTP/1.1 400 Bad Request", target)
                self.assertTrue(connection.closed_by_server(), f"{target}: connection kept open")

    def test_D1_2_dot_dot_segment_redirects(self):
        self.assertRedirect(self.request("GET", "/pub/../sub/x"), "/sub/x")

    def test_D1_2_encoded_dot_dot_segment_redirects(self):
        self.assertRedirect(self.request("GET", "/pub/%2e%2e/sub/x"), "/sub/x")
        self.assertRedirect(self.request("GET", "/pub/%2E%2E/sub/x"), "/sub/x")

    def test_D1_2_double_slash_redirects_with_raw_query(self):
        self.assertRedirect(self.request("POST", "/pub//t?a=1&b"), "/pub/t?a=1&b")
        self.assertRedirect(self.request("GET", "//sub/t"), "/sub/t")

    def test_D1_2_dot_segment_redirects(self):
        self.assertRedirect(self.request("GET", "/pub/./t"), "/pub/t")
        self.assertRedirect(self.request("GET", "/./status"), "/status")
        self.assertRedirect(self.request("GET", "/pub/%2e/t"), "/pub/t")

    def test_D1_2_trailing_slash_kept(self):
        self.assertRedirect(self.request("GET", "/sub/a//"), "/sub/a/")
        self.assertRedirect(self.request("GET", "/sub/a/b/../"), "/sub/a/")

    def test_D1_2_location_percent_encoded(self):
        self.assertRedirect(self.request("GET", "/sub//a%20b%3Fc?d=%20"), "/sub/a%20b%3Fc?d=%20")

    def test_D1_2_encoded_slash_joins_a_double_slash(self):
        self.assertRedirect(self.request("GET", "/pub/a%2F/b"), "/pub/a/b")

    @async_case
    async def test_D1_2_no_credentials_checked_nothing_published(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.assertRedirect(self.request("POST", f"/pub//{self.u}", {}, b"x"), f"/pub/{self.u}")
        response = self.request("POST", f"/pub/./{self.u}", bearer(f"/pub/{self.u}"), b"x")
        self.assertRedirect(response, f"/pub/{self.u}")
        self.assertRedirect(self.request("POST", f"/x/../pub/{self.u}", bearer("/"), b"x"),
                            f"/pub/{self.u}")
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    def test_D1_3_status_any_method_no_credentials(self):
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            self.assertOK(self.request(method, "/status"))
        self.assertOK(self.request("GET", "/status", {"Authorization": "Bearer wrong"}))
        self.assertOK(self.request("GET", "/status?x=1"))
        self.assertEqual(self.request("HEAD", "/status").status_line, "HTTP/1.1 200 OK")

    @async_case
    async def test_D1_3_status_subpaths_are_root_topics(self):
        self.assertUnauthorized(self.request("POST", "/status/", {}, b""))
        self.assertUnauthorized(self.request("GET", f"/status/{self.u}"))
        self.assertRefused(self.request("GET", f"/status/{self.u}", bearer(f"/status/{self.u}")),
                           "HTTP/1.1 400 Bad Request", b"Bad Request\n")
        ws = await self.subscribe(f"/sub/status/{self.u}")
        self.publish(f"/status/{self.u}", b"a topic like any other")
        await self.assertReceives(ws, [b"a topic like any other"])
        await ws.close()

    def test_D1_4_missing_trailing_slash_redirects_before_credentials(self):
        for path in ("/pub", "/sub", "/unsafe/pub", "/unsafe/sub"):
            for method in ("GET", "POST", "PUT", "DELETE", "HEAD"):
                self.assertRedirect(self.request(method, path), path + "/")
            response = self.request("POST", path + "?a=1&b", bearer("/"))
            self.assertRedirect(response, path + "/?a=1&b")

    @async_case
    async def test_D1_5_prefix_needs_its_slash(self):
        # "/pubx" and "/unsafe/pubx" are root-endpoint paths, topics "pubx..." and "unsafe/pubx...".
        ws = await self.subscribe(f"/sub/pubx{self.u}")
        self.publish(f"/pubx{self.u}", b"root")
        await self.assertReceives(ws, [b"root"])
        await ws.close()
        ws = await self.subscribe(f"/sub/unsafe/pubx{self.u}")
        self.publish(f"/unsafe/pubx{self.u}", b"root too")
        await self.assertReceives(ws, [b"root too"])
        await ws.close()

    @async_case
    async def test_D1_5_encoded_slash_is_a_separator(self):
        ws = await self.subscribe(f"/sub%2F{self.u}%2Fa", bearer(f"/sub/{self.u}/a"))
        self.publish(f"/pub%2F{self.u}%2Fa", b"slash", bearer(f"/pub/{self.u}/a"))
        await self.assertReceives(ws, [b"slash"])
        await ws.close()

    @async_case
    async def test_D1_5_encoded_space_is_a_space(self):
        ws = await self.subscribe(f"/sub/{self.u}/", bearer(f"/sub/{self.u}/"))
        self.publish(f"/pub/{self.u}/a%20b", b"space", bearer(f"/pub/{self.u}/a b"))
        await self.assertReceives(ws, [framed(f"{self.u}/a b", b"space")])
        await ws.close()


def status_of(case, method, path, headers, body=b""):
    return case.request(method, path, headers, body).status


class TokenDetails(ServerCase):
    """D2: which tokens a request accepts and how they are presented."""

    def assertPublishes(self, path, scope, expect=True):
        response = self.request("POST", path, bearer(scope), b"")
        if expect:
            self.assertOK(response)
        else:
            self.assertUnauthorized(response)

    def test_D2_1_token_is_hmac_of_decoded_path_only(self):
        self.publish(f"/pub/{self.u}/a%20b?q=1", b"", bearer(f"/pub/{self.u}/a b"))
        encoded = f"/pub/{self.u}/a%20b"
        self.assertUnauthorized(self.request("POST", encoded, bearer(encoded), b""))
        self.assertOK(self.request("POST", f"/pub/{self.u}", bearer(f"/pub/{self.u}"), b"",
                                   host="other.example"))

    def test_D2_2_directory_token_covers_everything_below(self):
        for path in (f"/pub/{self.u}/", f"/pub/{self.u}/bar", f"/pub/{self.u}/bar/baz"):
            self.assertPublishes(path, f"/pub/{self.u}/")
        for path in (f"/pub/{self.u}bar", f"/pub/{self.u}"):
            self.assertPublishes(path, f"/pub/{self.u}/", expect=False)

    def test_D2_2_exact_token_only_that_path(self):
        self.assertPublishes(f"/pub/{self.u}", f"/pub/{self.u}")
        for path in (f"/pub/{self.u}/", f"/pub/{self.u}/bar", f"/pub/{self.u}x"):
            self.assertPublishes(path, f"/pub/{self.u}", expect=False)
        self.assertPublishes(f"/pub/{self.u}/post", f"/pub/{self.u}/po", expect=False)

    def test_D2_2_token_for_another_topic_rejected(self):
        self.assertPublishes(f"/pub/{self.u}/a", f"/pub/{self.u}/b", expect=False)

    async def assertSubscribes(self, path, scope):
        ws = await self.subscribe(path, bearer(scope))
        await ws.close()

    @async_case
    async def test_D2_2_pub_token_not_valid_for_sub(self):
        await self.assertRefusedHandshake(f"/sub/{self.u}", 401, bearer(f"/pub/{self.u}"))
        await self.assertRefusedHandshake(f"/sub/{self.u}/x", 401, bearer(f"/pub/{self.u}/"))

    def test_D2_2_sub_token_not_valid_for_pub(self):
        self.assertPublishes(f"/pub/{self.u}", f"/sub/{self.u}", expect=False)
        self.assertPublishes(f"/pub/{self.u}/x", f"/sub/{self.u}/", expect=False)

    @async_case
    async def test_D2_2_token_without_prefix_opens_pub_and_sub(self):
        self.assertPublishes(f"/pub/{self.u}", f"/{self.u}")
        await self.assertSubscribes(f"/sub/{self.u}", f"/{self.u}")
        self.assertPublishes(f"/pub/{self.u}/a/b", f"/{self.u}/")
        await self.assertSubscribes(f"/sub/{self.u}/a/b", f"/{self.u}/")
        await self.assertSubscribes(f"/sub/{self.u}/", f"/{self.u}/")

    @async_case
    async def test_D2_2_pub_directory_token_publishes_anywhere_cannot_subscribe(self):
        self.assertPublishes(f"/pub/{self.u}/any/thing", "/pub/")
        self.assertPublishes("/pub/", "/pub/")
        await self.assertRefusedHandshake(f"/sub/{self.u}", 401, bearer("/pub/"))

    @async_case
    async def test_D2_2_root_token_opens_every_authenticated_path(self):
        self.assertPublishes(f"/pub/{self.u}/x", "/")
        self.assertPublishes(f"/{self.u}/x", "/")
        self.assertPublishes("/", "/")
        await self.assertSubscribes(f"/sub/{self.u}/x", "/")
        await self.assertSubscribes(f"/{self.u}/x", "/")
        ws = await self.subscribe(f"/unsafe/sub/{self.u}", {**UNSAFE_OK, **bearer("/")})
        await ws.close()

    @async_case
    async def test_D2_2_whole_first_segment_stripped_once(self):
        # The original's plain-string strip is not copied.
        self.assertPublishes(f"/pub/sub/{self.u}", f"/{self.u}", expect=False)
        await self.assertRefusedHandshake(f"/sub/pub/{self.u}", 401, bearer(f"/{self.u}"))
        self.assertPublishes(f"/pubx{self.u}", f"x{self.u}", expect=False)
        self.assertPublishes(f"/pubx{self.u}", f"/pubx{self.u}")

    def test_D2_2_upper_case_truncated_extended_or_non_hex_rejected(self):
        good = token(f"/pub/{self.u}")
        for value in (good.upper(), good[:-1], good + "a", good[:-1] + "z", good[:-1] + "G"):
            self.assertUnauthorized(self.authorization("Bearer " + value))

    def authorization(self, value):
        return self.request("POST", f"/pub/{self.u}", {"Authorization": value}, b"")

    def test_D2_3_basic_user_part_is_token_password_ignored(self):
        for password in ("", "x", "token:with:colons", token("/other")):
            headers = basic(f"/pub/{self.u}", password)
            self.assertOK(self.request("POST", f"/pub/{self.u}", headers, b""))

    def test_D2_3_token_in_password_not_accepted(self):
        credentials = base64.b64encode((":" + token(f"/pub/{self.u}")).encode()).decode()
        self.assertUnauthorized(self.authorization("Basic " + credentials))
        credentials = base64.b64encode(("user:" + token(f"/pub/{self.u}")).encode()).decode()
        self.assertUnauthorized(self.authorization("Basic " + credentials))

    def test_D2_3_bearer(self):
        self.assertOK(self.authorization("Bearer " + token(f"/pub/{self.u}")))

    def test_D2_3_scheme_case_insensitive(self):
        value = token(f"/pub/{self.u}")
        credentials = base64.b64encode((value + ":").encode()).decode()
        for header in ("bEARER " + value, "bAsIc " + credentials):
            self.assertOK(self.authorization(header))

    def test_D2_3_fields_separated_by_any_whitespace(self):
        self.assertOK(self.authorization("Bearer  \t " + token(f"/pub/{self.u}")))

    def test_D2_3_other_scheme_rejected(self):
        for scheme in ("Token", "Digest", "Bearer:", "Basicx"):
            self.assertUnauthorized(self.authorization(scheme + " " + token(f"/pub/{self.u}")))

    def test_D2_3_missing_or_empty_header_rejected(self):
        self.assertUnauthorized(self.request("POST", f"/pub/{self.u}", {}, b""))
        self.assertUnauthorized(self.authorization(""))

    def test_D2_3_single_field_rejected(self):
        self.assertUnauthorized(self.authorization(token(f"/pub/{self.u}")))
        self.assertUnauthorized(self.authorization("Bearer"))

    def test_D2_3_three_fields_rejected(self):
        value = token(f"/pub/{self.u}")
        self.assertUnauthorized(self.authorization(f"Bearer {value} {value}"))
        credentials = base64.b64encode((value + ":").encode()).decode()
        self.assertUnauthorized(self.authorization(f"Basic {credentials} extra"))

    def test_D2_3_basic_without_colon_rejected(self):
        credentials = base64.b64encode(token(f"/pub/{self.u}").encode()).decode()
        self.assertUnauthorized(self.authorization("Basic " + credentials))

    def test_D2_3_invalid_base64_rejected(self):
        credentials = base64.b64encode((token(f"/pub/{self.u}") + ":").encode()).decode()
        for broken in (credentials[:-2], "!" + credentials[1:], token(f"/pub/{self.u}") + ":"):
            self.assertUnauthorized(self.authorization("Basic " + broken))

    def test_D2_4_rejection_status_body_and_headers(self):
        response = self.request("POST", f"/pub/{self.u}", {}, b"x")
        self.assertUnauthorized(response)
        self.assertEqual(response.header("Content-Type"), "text/plain; charset=utf-8")
        self.assertEqual(response.header("X-Content-Type-Options"), "nosniff")

    def test_D2_4_token_checked_before_websocket_handshake(self):
        for path in (f"/sub/{self.u}", f"/{self.u}/root"):
            self.assertUnauthorized(self.request("GET", path))
            self.assertUnauthorized(self.request("GET", path, websocket_headers(version="99")))


class TopicDetails(ServerCase):
    """D3: topics and how subscriptions match them."""

    @async_case
    async def test_D3_topic_table(self):
        recursive = await self.subscribe(f"/sub/{self.u}/")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/pub", b"1")
        self.publish(f"/{self.u}/root", b"2")
        self.publish(f"/unsafe/pub/{self.u}/unsafe", b"3", {})
        await self.assertReceives(recursive, [framed(f"{self.u}/pub", b"1"),
                                              framed(f"{self.u}/root", b"2")])
        await self.assertReceives(unsafe, [framed(f"/unsafe/{self.u}/unsafe", b"3")])
        await recursive.close()
        await unsafe.close()

    @async_case
    async def test_D3_query_never_part_of_topic(self):
        ws = await self.subscribe(f"/sub/{self.u}?recursive", bearer(f"/sub/{self.u}"))
        self.publish(f"/pub/{self.u}/child", b"not for an exact subscriber")
        self.publish(f"/pub/{self.u}?recursive", b"exact", bearer(f"/pub/{self.u}"))
        await self.assertReceives(ws, [b"exact"])
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    @async_case
    async def test_D3_empty_topic_from_pub_slash_and_root_slash(self):
        ws = await self.subscribe("/sub/")
        self.publish("/pub/", b"pub slash")
        self.publish("/", b"root slash")
        await self.assertReceives(ws, [b"pub slash", b"root slash"])
        await ws.close()

    @async_case
    async def test_D3_sub_slash_is_exact_subscription_to_empty_topic(self):
        ws = await self.subscribe("/sub/")
        self.publish(f"/pub/{self.u}/x", b"elsewhere")
        await self.assertNothingElse(ws, "/pub/")
        await ws.close()

    @async_case
    async def test_D3_long_topic(self):
        topic = f"{self.u}/" + "t" * 8192
        ws = await self.subscribe(f"/sub/{topic}")
        recursive = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{topic}", b"long")
        await self.assertReceives(ws, [b"long"])
        await self.assertReceives(recursive, [framed(topic, b"long")])
        await ws.close()
        await recursive.close()

    @async_case
    async def test_D3_any_characters_kept_verbatim(self):
        ws = await self.subscribe(f"/sub/{self.u}/")
        raw = "a!$&'()*+,;=~@:%20b%25%3F%23"
        decoded = "a!$&'()*+,;=~@: b%?#"
        self.publish(f"/pub/{self.u}/{raw}", b"chars", bearer(f"/pub/{self.u}/{decoded}"))
        await self.assertReceives(ws, [framed(f"{self.u}/{decoded}", b"chars")])
        exact = await self.subscribe(f"/sub/{self.u}/{raw}", bearer(f"/sub/{self.u}/{decoded}"))
        self.publish(f"/pub/{self.u}/{raw}", b"again", bearer(f"/pub/{self.u}/{decoded}"))
        await self.assertReceives(exact, [b"again"])
        await ws.close()
        await exact.close()

    @async_case
    async def test_D3_unsafe_publish_reaches_neither_sub_nor_root_unsafe_path(self):
        sub = await self.subscribe(f"/sub/{self.u}")
        root = await self.subscribe(f"/unsafe/{self.u}")
        self.publish(f"/unsafe/pub/{self.u}", b"unsafe", {})
        await self.assertNothingElse(sub, f"/pub/{self.u}")
        await self.assertNothingElse(root, f"/pub/unsafe/{self.u}")
        await sub.close()
        await root.close()

    @async_case
    async def test_D3_safe_publish_does_not_reach_unsafe_sub(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"safe")
        self.publish(f"/pub/unsafe/{self.u}", b"safe too")
        self.publish(f"/unsafe/{self.u}", b"root, topic unsafe/...")
        await self.assertNothingElse(ws, f"/unsafe/pub/{self.u}", )
        await ws.close()

    @async_case
    async def test_D3_1_recursive_matching_examples(self):
        ws = await self.subscribe(f"/sub/{self.u}/foo/")
        topics = ["foo/", "foo", "foo/bar", "foox/y", "bar/foo/", "foo/bar/baz"]
        for topic in topics:
            self.publish(f"/pub/{self.u}/{topic}", topic.encode())
        await self.assertReceives(ws, [framed(f"{self.u}/{t}", t.encode())
                                       for t in ("foo/", "foo/bar", "foo/bar/baz")])
        await self.assertNothingElse(ws, f"/pub/{self.u}/foo/z",
                                     lambda body: framed(f"{self.u}/foo/z", body))
        await ws.close()

    @async_case
    async def test_D3_1_exact_matching_examples(self):
        ws = await self.subscribe(f"/sub/{self.u}/foo")
        for topic in ("foo/child", "foox", "foo/", "foo"):
            self.publish(f"/pub/{self.u}/{topic}", topic.encode())
        await self.assertReceives(ws, [b"foo"])
        await self.assertNothingElse(ws, f"/pub/{self.u}/foo")
        await ws.close()

    @async_case
    async def test_D3_1_at_most_once_when_both_rules_match(self):
        ws = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/", b"once")
        await self.assertReceives(ws, [framed(f"{self.u}/", b"once")])
        await self.assertNothingElse(ws, f"/pub/{self.u}/z",
                                     lambda body: framed(f"{self.u}/z", body))
        await ws.close()


class PublishDetails(ServerCase):
    """D4: publishing."""

    def test_D4_1_pub_needs_token(self):
        self.assertUnauthorized(self.request("POST", f"/pub/{self.u}", {}, b"x"))

    @async_case
    async def test_D4_1_unsafe_pub_ignores_authorization(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic !!"}):
            self.publish(f"/unsafe/pub/{self.u}", b"ignored", headers)
        await self.assertReceives(ws, [b"ignored"] * 3)
        await ws.close()

    @async_case
    async def test_D4_1_put_publishes(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"put", method="PUT")
        self.publish(f"/unsafe/pub/{self.u}", b"unsafe put", {}, method="PUT")
        await self.assertReceives(ws, [b"put"])
        await self.assertReceives(unsafe, [b"unsafe put"])
        await ws.close()
        await unsafe.close()

    @async_case
    async def test_D4_1_other_methods_get_405_and_never_publish(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        for method in ("GET", "DELETE", "PATCH", "OPTIONS", "HEAD"):
            for path, headers in ((f"/pub/{self.u}", bearer(f"/pub/{self.u}")),
                                  (f"/unsafe/pub/{self.u}", {})):
                response = self.request(method, path, headers)
                self.assertEqual(response.status_line, "HTTP/1.1 405 Method Not Allowed",
                                 (method, path))
                self.assertEqual(response.header("Allow"), "POST, PUT")
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await self.assertNothingElse(unsafe, f"/unsafe/pub/{self.u}")
        await ws.close()
        await unsafe.close()

    @async_case
    async def test_D4_2_content_length_body(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"x" * 1000)
        await self.assertReceives(ws, [b"x" * 1000])
        await ws.close()

    @async_case
    async def test_D4_2_chunked_body(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        chunked = b"5\r\nhello\r\n1\r\n\0\r\na\r\n0123456789\r\n0\r\n\r\n"
        headers = {**bearer(f"/pub/{self.u}"), "Transfer-Encoding": "chunked"}
        response = self.request("POST", f"/pub/{self.u}", headers, chunked)
        self.assertOK(response)
        await self.assertReceives(ws, [b"hello\x000123456789"])
        await ws.close()

    @async_case
    async def test_D4_2_one_mebibyte_body(self):
        body = bytes(i * 7 % 251 for i in range(1 << 20))
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(ws, [body])
        await ws.close()

    @async_case
    async def test_D4_2_empty_body(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"")
        await self.assertReceives(ws, [b""])
        await ws.close()

    @async_case
    async def test_D4_2_nul_and_invalid_utf8_delivered_byte_for_byte(self):
        body = b"\0\0\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xff\0"
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(ws, [body])
        await ws.close()

    def test_D4_2_answer_200_OK_text_plain(self):
        response = self.publish(f"/pub/{self.u}", b"nobody listens")
        self.assertEqual(response.header("Content-Type"), "text/plain; charset=utf-8")

    @async_case
    async def test_D4_2_same_answer_with_and_without_subscribers(self):
        alone = self.publish(f"/pub/{self.u}", b"alone")
        ws = await self.subscribe(f"/sub/{self.u}")
        watched = self.publish(f"/pub/{self.u}", b"watched")
        self.assertEqual((alone.status_line, alone.body), (watched.status_line, watched.body))
        await self.assertReceives(ws, [b"watched"])
        await ws.close()

    @async_case
    async def test_D4_2_answer_does_not_wait_for_subscribers(self):
        # A subscriber that never reads: publishes are still answered at once.
        stalled = self.server.connect()
        self.addCleanup(stalled.close)
        stalled.send(http_request("GET", f"/sub/{self.u}",
                                  {**websocket_headers(), **bearer(f"/sub/{self.u}")}))
        self.assertEqual(stalled.read_response().status_line, "HTTP/1.1 101 Switching Protocols")
        reading = await self.subscribe(f"/sub/{self.u}")
        bodies = [bytes([i]) * (1 << 20) for i in range(8)]
        for body in bodies:
            self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(reading, bodies)
        await reading.close()

    @async_case
    async def test_D4_2_several_requests_on_one_connection(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        with self.server.connect() as connection:
            for i in range(3):
                connection.send(http_request("POST", f"/pub/{self.u}", bearer(f"/pub/{self.u}"),
                                             str(i).encode()))
                self.assertOK(connection.read_response())
            # Pipelined: two requests in one write.
            connection.send(http_request("POST", f"/pub/{self.u}", bearer(f"/pub/{self.u}"), b"3") +
                            http_request("PUT", f"/pub/{self.u}", bearer(f"/pub/{self.u}"), b"4"))
            self.assertOK(connection.read_response())
            self.assertOK(connection.read_response())
        await self.assertReceives(ws, [b"0", b"1", b"2", b"3", b"4"])
        await ws.close()

    @async_case
    async def test_D4_3_github_envelope_exact_bytes(self):
        body = b'{"zen":"<&>"}'
        headers = {**bearer(f"/pub/{self.u}"), "X-GitHub-Delivery": "d-1", "X-GitHub-Event": "ping",
                   "X-Hub-Signature-256": "sha256=00", "X-Hub-Signature": "sha1=11"}
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github", body, headers)
        await self.assertReceives(ws, [b'{"Delivery":"d-1","Event":"ping","Payload":"' +
                                       base64.b64encode(body) + b'","Signature":"sha256=00"}'])
        await ws.close()

    @async_case
    async def test_D4_3_header_values_are_json_strings(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        headers = {**bearer(f"/pub/{self.u}"), "X-GitHub-Delivery": 'a"b\\c',
                   "X-GitHub-Event": "e v"}
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"", headers)
        message = await self.assertReceivesOne(ws)
        self.assertEqual(json.loads(message), {"Delivery": 'a"b\\c', "Event": "e v", "Payload": "",
                                               "Signature": ""})
        self.assertEqual(list(json.loads(message)), ["Delivery", "Event", "Payload", "Signature"])
        self.assertNotIn(b" ", message.replace(b"e v", b""))
        await ws.close()

    async def assertReceivesOne(self, ws):
        message = await receive(ws)
        self.assertIsInstance(message, bytes)
        return message

    @async_case
    async def test_D4_3_missing_headers_and_empty_body_give_empty_strings(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"")
        await self.assertReceives(ws, [b'{"Delivery":"","Event":"","Payload":"","Signature":""}'])
        await ws.close()

    @async_case
    async def test_D4_3_signature_falls_back_to_legacy_header(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"ab",
                     {**bearer(f"/pub/{self.u}"), "X-Hub-Signature": "sha1=aa"})
        await self.assertReceives(ws, [envelope("", "", b"ab", "sha1=aa")])
        await ws.close()

    @async_case
    async def test_D4_3_on_pub_unsafe_pub_and_root_post(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        headers = {"X-GitHub-Event": "push"}
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"1",
                     {**bearer(f"/pub/{self.u}"), **headers})
        self.publish(f"/{self.u}?extra-metadata=github", b"2", {**bearer(f"/{self.u}"), **headers})
        self.publish(f"/unsafe/pub/{self.u}?extra-metadata=github", b"3", headers)
        await self.assertReceives(ws, [envelope("", "push", b"1", ""),
                                       envelope("", "push", b"2", "")])
        await self.assertReceives(unsafe, [envelope("", "push", b"3", "")])
        await ws.close()
        await unsafe.close()

    @async_case
    async def test_D4_3_recursive_subscriber_gets_topic_nul_json(self):
        ws = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/x?extra-metadata=github", b"r")
        await self.assertReceives(ws, [framed(f"{self.u}/x", envelope("", "", b"r", ""))])
        await ws.close()

    @async_case
    async def test_D4_3_only_first_parameter_counts(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github&extra-metadata=bad", b"f",
                     bearer(f"/pub/{self.u}"))
        response = self.request("POST", f"/pub/{self.u}?extra-metadata=bad&extra-metadata=github",
                                bearer(f"/pub/{self.u}"), b"g")
        self.assertRefused(response, "HTTP/1.1 400 Bad Request",
                           b"400 Bad Request (bad ?extra-metadata=)\n")
        await self.assertReceives(ws, [envelope("", "", b"f", "")])
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    @async_case
    async def test_D4_3_parameter_name_case_sensitive_others_ignored(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?Extra-Metadata=bad", b"raw", bearer(f"/pub/{self.u}"))
        self.publish(f"/pub/{self.u}?a=1&extra-metadata=github&b", b"env", bearer(f"/pub/{self.u}"))
        await self.assertReceives(ws, [b"raw", envelope("", "", b"env", "")])
        await ws.close()

    @async_case
    async def test_D4_3_other_value_gets_400_nothing_published(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        for value in ("=", "", "=Github", "=x"):
            response = self.request("POST", f"/pub/{self.u}?extra-metadata{value}",
                                    bearer(f"/pub/{self.u}"), b"no")
            self.assertRefused(response, "HTTP/1.1 400 Bad Request",
                               b"400 Bad Request (bad ?extra-metadata=)\n")
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    def test_D4_3_token_checked_first(self):
        self.assertUnauthorized(self.request("POST", f"/pub/{self.u}?extra-metadata=bad", {}, b""))


class SubscribeDetails(ServerCase):
    """D5: subscribing."""

    def handshake(self, path, method="GET", version="13", extra=None):
        headers = {**websocket_headers(version=version), **bearer(path), **(extra or {})}
        return self.request(method, path, headers)

    def assertHandshakeRefused(self, response, status_line, body):
        self.assertRefused(response, status_line, body)
        self.assertEqual(response.header("Sec-WebSocket-Version"), "13", response)

    def test_D5_1_handshake_answers_101(self):
        with self.server.connect() as connection:
            key = "dGhlIHNhbXBsZSBub25jZQ=="
            connection.send(http_request("GET", f"/sub/{self.u}",
                                         {**websocket_headers(key), **bearer(f"/sub/{self.u}")}))
            response = connection.read_response()
        self.assertEqual(response.status_line, "HTTP/1.1 101 Switching Protocols")
        self.assertEqual(response.header("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        self.assertEqual(response.header("Upgrade").lower(), "websocket")

    def test_D5_1_connection_header_may_list_other_tokens(self):
        extra = {"Connection": "keep-alive, Upgrade", "Upgrade": "WebSocket"}
        self.assertEqual(self.handshake(f"/sub/{self.u}", extra=extra).status_line,
                         "HTTP/1.1 101 Switching Protocols")

    def test_D5_1_not_an_upgrade_gets_400(self):
        for method in ("GET", "POST"):
            response = self.request(method, f"/sub/{self.u}", bearer(f"/sub/{self.u}"))
            self.assertHandshakeRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")
        response = self.request("GET", f"/{self.u}", bearer(f"/{self.u}"))
        self.assertHandshakeRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")

    def test_D5_1_upgrade_with_other_method_gets_405(self):
        for method in ("POST", "PUT", "DELETE"):
            response = self.handshake(f"/sub/{self.u}", method=method)
            self.assertHandshakeRefused(response, "HTTP/1.1 405 Method Not Allowed",
                                        b"Method Not Allowed\n")

    def test_D5_1_unsupported_version_gets_400(self):
        for version in ("8", "12", "14", ""):
            response = self.handshake(f"/sub/{self.u}", version=version)
            self.assertHandshakeRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")

    def test_D5_1_cross_origin_gets_403(self):
        port = self.server.port
        for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "http://127.0.0.1",
                       f"http://localhost:{port}", "null"):
            response = self.handshake(f"/sub/{self.u}", extra={"Origin": origin})
            self.assertHandshakeRefused(response, "HTTP/1.1 403 Forbidden", b"Forbidden\n")

    def test_D5_1_same_host_origin_or_none_accepted(self):
        for extra in ({}, {"Origin": f"http://{self.server.host}"},
                      {"Origin": f"https://{self.server.host}"}):
            self.assertEqual(self.handshake(f"/sub/{self.u}", extra=extra).status_line,
                             "HTTP/1.1 101 Switching Protocols", extra)

    @async_case
    async def test_D5_2_each_message_one_binary_message(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        bodies = [b"a", b"\xff", b"", b"x" * 70000]
        for body in bodies:
            self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(ws, bodies)
        await ws.close()

    @async_case
    async def test_D5_2_exact_payload_is_body(self):
        ws = await self.subscribe(f"/sub/{self.u}/a")
        self.publish(f"/pub/{self.u}/a", b"verbatim\0")
        await self.assertReceives(ws, [b"verbatim\0"])
        await ws.close()

    @async_case
    async def test_D5_2_recursive_payload_is_topic_nul_body(self):
        ws = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/a/b", b"body\0with nul")
        self.publish(f"/{self.u}/c", b"root")
        await self.assertReceives(ws, [framed(f"{self.u}/a/b", b"body\0with nul"),
                                       framed(f"{self.u}/c", b"root")])
        await ws.close()

    @async_case
    async def test_D5_2_unsafe_topics_keep_their_prefix(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}/")
        self.publish(f"/unsafe/pub/{self.u}/bar", b"body", {})
        await self.assertReceives(ws, [framed(f"/unsafe/{self.u}/bar", b"body")])
        await ws.close()

    @async_case
    async def test_D5_2_each_kind_of_subscriber_its_own_format(self):
        exact = await self.subscribe(f"/sub/{self.u}/x")
        recursive = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/x", b"both")
        await self.assertReceives(exact, [b"both"])
        await self.assertReceives(recursive, [framed(f"{self.u}/x", b"both")])
        await exact.close()
        await recursive.close()

    @async_case
    async def test_D5_2_every_subscriber_exactly_once(self):
        subscribers = [await self.subscribe(f"/sub/{self.u}") for _ in range(6)]
        self.publish(f"/pub/{self.u}", b"each")
        for ws in subscribers:
            await self.assertReceives(ws, [b"each"])
        self.publish(f"/pub/{self.u}", b"next")
        for ws in subscribers:
            await self.assertReceives(ws, [b"next"])
            await ws.close()

    @async_case
    async def test_D5_2_no_history(self):
        self.publish(f"/pub/{self.u}", b"old")
        ws = await self.subscribe(f"/sub/{self.u}")
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    @async_case
    async def test_D5_2_subscribed_before_101(self):
        for i in range(10):
            ws = await self.subscribe(f"/sub/{self.u}/")
            self.publish(f"/pub/{self.u}/{i}", b"first")
            await self.assertReceives(ws, [framed(f"{self.u}/{i}", b"first")])
            await ws.close()

    @async_case
    async def test_D5_2_order_of_answers(self):
        exact = await self.subscribe(f"/sub/{self.u}/a")
        recursive = await self.subscribe(f"/sub/{self.u}/")
        expected = []
        with self.server.connect() as first, self.server.connect() as second:
            for i in range(100):
                connection, topic = (first, "a") if i % 2 else (second, "b")
                body = str(i).encode()
                connection.send(http_request("POST", f"/pub/{self.u}/{topic}",
                                             bearer(f"/pub/{self.u}/{topic}"), body))
                self.assertOK(connection.read_response())
                expected.append((topic, body))
        await self.assertReceives(exact, [body for topic, body in expected if topic == "a"])
        await self.assertReceives(recursive,
                                  [framed(f"{self.u}/{t}", body) for t, body in expected])
        await exact.close()
        await recursive.close()

    @async_case
    async def test_D5_3_client_frames_ignored(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        watcher = await self.subscribe(f"/sub/{self.u}")
        await ws.send("text from the client")
        await ws.send(b"binary from the client")
        self.publish(f"/pub/{self.u}", b"published")
        await self.assertReceives(ws, [b"published"])
        await self.assertReceives(watcher, [b"published"])
        await ws.close()
        await watcher.close()

    @async_case
    async def test_D5_3_ping_answered_with_pong(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        for payload in (b"", b"ping-1", b"\0\xff"):
            pong = await ws.ping(payload)
            await asyncio.wait_for(pong, 10)
        self.publish(f"/pub/{self.u}", b"still subscribed")
        await self.assertReceives(ws, [b"still subscribed"])
        await ws.close()

    @async_case
    async def test_D5_3_closing_one_subscriber_leaves_others(self):
        leaving = await self.subscribe(f"/sub/{self.u}")
        staying = await self.subscribe(f"/sub/{self.u}")
        await leaving.close()
        self.publish(f"/pub/{self.u}", b"after close")
        await self.assertReceives(staying, [b"after close"])
        await staying.close()

    @async_case
    async def test_D5_4_root_tokens(self):
        path = f"/{self.u}/bar"
        for scope in (path, f"/{self.u}/", "/"):
            self.publish(path, b"", bearer(scope))
            ws = await self.subscribe(path, bearer(scope))
            await ws.close()
        self.assertUnauthorized(self.request("POST", path, bearer(f"/pub{path}"), b""))
        await self.assertRefusedHandshake(path, 401, bearer(f"/sub{path}"))

    @async_case
    async def test_D5_4_root_post_same_topic_as_pub(self):
        ws = await self.subscribe(f"/{self.u}/bar")
        self.publish(f"/pub/{self.u}/bar", b"from pub")
        self.publish(f"/{self.u}/bar", b"from root")
        await self.assertReceives(ws, [b"from pub", b"from root"])
        await ws.close()

    @async_case
    async def test_D5_4_root_get_trailing_slash_is_recursive(self):
        ws = await self.subscribe(f"/{self.u}/")
        self.publish(f"/pub/{self.u}/x/y", b"below")
        await self.assertReceives(ws, [framed(f"{self.u}/x/y", b"below")])
        await ws.close()

    @async_case
    async def test_D5_4_root_unsafe_path_topic(self):
        ws = await self.subscribe(f"/sub/unsafe/{self.u}")
        self.publish(f"/unsafe/{self.u}", b"topic unsafe/...")
        await self.assertReceives(ws, [b"topic unsafe/..."])
        await ws.close()

    def test_D5_4_root_plain_get_gets_400(self):
        response = self.request("GET", f"/{self.u}/x", bearer(f"/{self.u}/x"))
        self.assertRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")

    def test_D5_4_root_other_methods_get_501(self):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            response = self.request(method, f"/{self.u}/x", bearer(f"/{self.u}/x"), b"")
            self.assertRefused(response, "HTTP/1.1 501 Not Implemented", b"Not Implemented\n")
        head = self.request("HEAD", f"/{self.u}/x", bearer(f"/{self.u}/x"))
        self.assertEqual(head.status_line, "HTTP/1.1 501 Not Implemented")

    def test_D5_4_root_unauthenticated_put_gets_401(self):
        self.assertUnauthorized(self.request("PUT", f"/{self.u}/x", {}, b""))


class UnsafeDetails(ServerCase):
    """D6: unsafe subscriptions."""

    def unsafe_get(self, headers):
        return self.request("GET", f"/unsafe/sub/{self.u}", headers)

    def test_D6_header_missing_or_different_gets_400(self):
        base = {**websocket_headers(), **bearer(f"/unsafe/sub/{self.u}")}
        for value in (None, "", "yes", "i understand the security implications",
                      "I understand the security implications!",
                      "I understand  the security implications"):
            headers = dict(base) if value is None else {**base, "X-Hookbot-Unsafe-Is-Ok": value}
            self.assertRefused(self.unsafe_get(headers), "HTTP/1.1 400 Bad Request",
                               UNSAFE_HEADER_REQUIRED)

    @async_case
    async def test_D6_header_name_case_insensitive(self):
        for name in ("x-hookbot-unsafe-is-ok", "X-HOOKBOT-UNSAFE-IS-OK"):
            ws = await self.subscribe(f"/unsafe/sub/{self.u}",
                                      {name: UNSAFE_OK["X-Hookbot-Unsafe-Is-Ok"],
                                       **bearer(f"/unsafe/sub/{self.u}")})
            await ws.close()

    def test_D6_header_checked_before_credentials_and_handshake(self):
        for headers in ({}, websocket_headers(), {"Authorization": "Bearer wrong"}):
            self.assertRefused(self.unsafe_get(headers), "HTTP/1.1 400 Bad Request",
                               UNSAFE_HEADER_REQUIRED)

    def test_D6_non_websocket_get_gets_400(self):
        response = self.unsafe_get({**UNSAFE_OK, **bearer(f"/unsafe/sub/{self.u}")})
        self.assertRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")

    def test_D6_token_required(self):
        for auth in ({}, bearer(f"/sub/{self.u}"), bearer(f"/unsafe/pub/{self.u}")):
            self.assertUnauthorized(self.unsafe_get({**websocket_headers(), **UNSAFE_OK, **auth}))

    @async_case
    async def test_D6_token_for_path_or_directory_prefix(self):
        for scope in (f"/unsafe/sub/{self.u}", "/unsafe/sub/", "/unsafe/", "/"):
            ws = await self.subscribe(f"/unsafe/sub/{self.u}", {**UNSAFE_OK, **bearer(scope)})
            await ws.close()

    @async_case
    async def test_D6_subscribes_to_unsafe_topic(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"safe: not delivered")
        self.publish(f"/unsafe/pub/{self.u}", b"unsafe", {})
        await self.assertReceives(ws, [b"unsafe"])
        await ws.close()


CASES = [RequestOrder, TokenDetails, TopicDetails, PublishDetails, SubscribeDetails, UnsafeDetails]
