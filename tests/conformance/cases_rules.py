"""docs/PROTOCOL.md's numbered rules P1-P11, T1-T5 and X1-X2, one case each (or
a few where a rule says several things)."""
import base64
import hashlib
import json

from conformance import (UNSAFE_OK, ServerCase, async_case, basic, bearer, framed, http_request,
                         token, websocket_headers)



class Endpoints(ServerCase):
    """P1-P11: topics and endpoints."""

    @async_case
    async def test_P1_publish_answers_200_OK(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        response = self.request("POST", f"/pub/{self.u}", bearer(f"/pub/{self.u}"), b"hello")
        self.assertOK(response)
        await self.assertReceives(ws, [b"hello"])
        await ws.close()

    @async_case
    async def test_P1_body_published_unchanged(self):
        body = bytes(range(256)) * 4 + b"\r\n\r\n\0"
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(ws, [body])
        await ws.close()

    @async_case
    async def test_P2_subscriber_gets_each_message_as_one_binary_message(self):
        bodies = [b"text", b"nul\0inside", b"\xff\xfe invalid utf-8 \xc3", b""]
        ws = await self.subscribe(f"/sub/{self.u}")
        for body in bodies:
            self.publish(f"/pub/{self.u}", body)
        await self.assertReceives(ws, bodies)
        await ws.close()

    @async_case
    async def test_P3_topic_is_percent_decoded_path(self):
        # "/pub/a%20b%2Fc" and "/sub/a b/c" name the topic "a b/c".
        ws = await self.subscribe(f"/sub/{self.u}/a%20b/c", bearer(f"/sub/{self.u}/a b/c"))
        self.publish(f"/pub/{self.u}/a%20b%2Fc", b"decoded", bearer(f"/pub/{self.u}/a b/c"))
        await self.assertReceives(ws, [b"decoded"])
        await ws.close()

    @async_case
    async def test_P3_query_string_is_not_part_of_topic(self):
        ws = await self.subscribe(f"/sub/{self.u}?x=1", bearer(f"/sub/{self.u}"))
        self.publish(f"/pub/{self.u}?y=2", b"q", bearer(f"/pub/{self.u}"))
        await self.assertReceives(ws, [b"q"])
        await ws.close()

    @async_case
    async def test_P4_root_post_publishes_to_same_topic_as_pub(self):
        ws = await self.subscribe(f"/sub/{self.u}/a/b")
        self.publish(f"/{self.u}/a/b", b"root post")
        await self.assertReceives(ws, [b"root post"])
        await ws.close()

    @async_case
    async def test_P4_root_get_upgrade_subscribes(self):
        ws = await self.subscribe(f"/{self.u}/a/b")
        self.publish(f"/pub/{self.u}/a/b", b"to root subscriber")
        await self.assertReceives(ws, [b"to root subscriber"])
        await ws.close()

    def test_P4_root_other_method_gets_501(self):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            response = self.request(method, f"/{self.u}/x", bearer(f"/{self.u}/x"))
            self.assertRefused(response, "HTTP/1.1 501 Not Implemented", b"Not Implemented\n")

    def test_P4_root_token_checked_before_method(self):
        self.assertUnauthorized(self.request("DELETE", f"/{self.u}/x"))

    @async_case
    async def test_P5_unsafe_publish_needs_no_token(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/unsafe/pub/{self.u}", b"no token", {})
        await self.assertReceives(ws, [b"no token"])
        await ws.close()

    @async_case
    async def test_P5_unsafe_publish_never_reaches_sub(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/unsafe/pub/{self.u}", b"unsafe", {})
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()

    def test_P6_unsafe_subscribe_without_header_gets_400(self):
        headers = {**websocket_headers(), **bearer(f"/unsafe/sub/{self.u}")}
        for extra in ({}, {"X-Hookbot-Unsafe-Is-Ok": "yes"}):
            response = self.request("GET", f"/unsafe/sub/{self.u}", {**headers, **extra})
            self.assertRefused(response, "HTTP/1.1 400 Bad Request",
                               b"400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n")

    def test_P6_unsafe_header_checked_before_token(self):
        response = self.request("GET", f"/unsafe/sub/{self.u}", websocket_headers())
        self.assertRefused(response, "HTTP/1.1 400 Bad Request",
                           b"400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n")

    def test_P6_unsafe_subscribe_needs_token(self):
        headers = {**websocket_headers(), **UNSAFE_OK}
        response = self.request("GET", f"/unsafe/sub/{self.u}", headers)
        self.assertUnauthorized(response)

    @async_case
    async def test_P6_unsafe_subscribe_with_header_and_token(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/unsafe/pub/{self.u}", b"unsafe body", {})
        await self.assertReceives(ws, [b"unsafe body"])
        await ws.close()

    @async_case
    async def test_P7_recursive_subscription_gets_framed_messages_below(self):
        ws = await self.subscribe(f"/sub/{self.u}/foo/")
        for topic in ("foo/bar", "foo/bar/baz", "foo/", "foobar", "foo"):
            self.publish(f"/pub/{self.u}/{topic}", topic.encode())
        await self.assertReceives(ws, [framed(f"{self.u}/{t}", t.encode())
                                       for t in ("foo/bar", "foo/bar/baz", "foo/")])
        await self.assertNothingElse(ws, f"/pub/{self.u}/foo/end",
                                     lambda body: framed(f"{self.u}/foo/end", body))
        await ws.close()

    @async_case
    async def test_P7_unsafe_topic_framed_with_unsafe_prefix(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}/")
        self.publish(f"/unsafe/pub/{self.u}/x", b"body", {})
        await self.assertReceives(ws, [framed(f"/unsafe/{self.u}/x", b"body")])
        await ws.close()

    @async_case
    async def test_P7_exact_subscriber_gets_bare_body(self):
        exact = await self.subscribe(f"/sub/{self.u}/foo/")
        exact_deep = await self.subscribe(f"/sub/{self.u}/foo/bar")
        self.publish(f"/pub/{self.u}/foo/bar", b"bare")
        await self.assertReceives(exact_deep, [b"bare"])
        await self.assertReceives(exact, [framed(f"{self.u}/foo/bar", b"bare")])
        await exact.close()
        await exact_deep.close()

    @async_case
    async def test_P7_delivered_once_when_matching_both_ways(self):
        ws = await self.subscribe(f"/sub/{self.u}/")
        self.publish(f"/pub/{self.u}/", b"once")
        await self.assertReceives(ws, [framed(f"{self.u}/", b"once")])
        await self.assertNothingElse(ws, f"/pub/{self.u}/end",
                                     lambda body: framed(f"{self.u}/end", body))
        await ws.close()

    def test_P8_status_answers_any_method_without_token(self):
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            response = self.request(method, "/status")
            self.assertOK(response)
        head = self.request("HEAD", "/status")
        self.assertEqual(head.status_line, "HTTP/1.1 200 OK")

    @async_case
    async def test_P9_every_subscriber_gets_every_message_in_order(self):
        subscribers = [await self.subscribe(f"/sub/{self.u}") for _ in range(4)]
        bodies = [f"message {i}".encode() for i in range(200)]
        with self.server.connect() as connection:  # one keep-alive publisher
            for body in bodies:
                connection.send(http_request("POST", f"/pub/{self.u}", bearer(f"/pub/{self.u}"),
                                             body))
                self.assertOK(connection.read_response())
        for ws in subscribers:
            await self.assertReceives(ws, bodies)
            await ws.close()

    @async_case
    async def test_P9_no_history(self):
        self.publish(f"/pub/{self.u}", b"before")
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"after")
        await self.assertReceives(ws, [b"after"])
        await ws.close()

    @async_case
    async def test_P9_subscription_in_effect_when_101_is_seen(self):
        for i in range(20):
            ws = await self.subscribe(f"/sub/{self.u}/{i}")
            self.publish(f"/pub/{self.u}/{i}", b"right after 101")
            await self.assertReceives(ws, [b"right after 101"])
            await ws.close()

    def test_P10_cross_origin_upgrade_gets_403(self):
        headers = {**websocket_headers(), **bearer(f"/sub/{self.u}"),
                   "Origin": "http://evil.example"}
        response = self.request("GET", f"/sub/{self.u}", headers)
        self.assertRefused(response, "HTTP/1.1 403 Forbidden", b"Forbidden\n")

    @async_case
    async def test_P10_same_origin_and_no_origin_accepted(self):
        same = await self.subscribe(
            f"/sub/{self.u}", origin=f"{self.transport.http_scheme}://{self.server.host}")
        none = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}", b"both")
        await self.assertReceives(same, [b"both"])
        await self.assertReceives(none, [b"both"])
        await same.close()
        await none.close()

    def test_P11_get_on_subscribe_path_without_upgrade_gets_400(self):
        for path in (f"/sub/{self.u}", f"/{self.u}/root"):
            response = self.request("GET", path, bearer(path))
            self.assertRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")

    def test_P11_invalid_websocket_handshake_gets_400(self):
        path = f"/sub/{self.u}"
        broken = [
            {**websocket_headers(), "Sec-WebSocket-Key": "too short=="},
            {k: v for k, v in websocket_headers().items() if k != "Sec-WebSocket-Key"},
            {k: v for k, v in websocket_headers().items() if k != "Sec-WebSocket-Version"},
            {**websocket_headers(), "Upgrade": "h2c"},
            {**websocket_headers(), "Connection": "keep-alive"},
        ]
        for headers in broken:
            response = self.request("GET", path, {**headers, **bearer(path)})
            self.assertRefused(response, "HTTP/1.1 400 Bad Request", b"Bad Request\n")


# docs/PROTOCOL.md's test vectors, key "foo": path -> (HMAC-SHA1, HMAC-SHA256).
VECTORS = {
    "/pub/foo/bar": ("2e1150434ba1d8c33bce7c82ee08b5d9850342c7",
                     "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e"),
    "/sub/foo/bar": ("732f7751fe0628ad6766135d0da50a2fee1d431d",
                     "4818b2b10c2fd6de08ae7ba4140860aea56820e6d086d822595b8a6429bc991f"),
    "/sub/foo/": ("025d52405676646b775882c3b6338bd9db0ae59c",
                  "0a14ad756fad3ee5561fd802716f32b4a03b9543fb3620dbc8d51305f70445a4"),
    "/foo/bar": ("bc91d311e5ac5208a5142bd1016b8c862a2644a8",
                 "17e766e21309e8aeac544c3a89bd459a7e717a1de665d163e569f511877f1720"),
}


def with_token(value):
    return {"Authorization": "Bearer " + value}


class Tokens(ServerCase):
    """T1-T5: tokens. The server's key is "foo", as in the test vectors."""

    def test_T1_vectors_are_hmacs_of_the_path(self):
        for path, (sha1, sha256) in VECTORS.items():
            self.assertEqual(token(path, "foo", hashlib.sha1), sha1)
            self.assertEqual(token(path, "foo"), sha256)

    @async_case
    async def test_T1_sha256_and_sha1_vectors_accepted(self):
        for sha1, sha256 in (VECTORS["/sub/foo/bar"], VECTORS["/sub/foo/"]):
            for value in (sha1, sha256):
                ws = await self.subscribe("/sub/foo/bar", with_token(value))
                await ws.close()
        for value in VECTORS["/pub/foo/bar"]:
            self.publish("/pub/foo/bar", b"vector", with_token(value))
        for value in VECTORS["/foo/bar"]:
            self.publish("/foo/bar", b"vector", with_token(value))

    def test_T1_token_covers_path_only_not_query_host_or_scheme(self):
        sha1, sha256 = VECTORS["/pub/foo/bar"]
        self.publish("/pub/foo/bar?a=1&b", b"", with_token(sha256))
        self.assertOK(self.request("POST", "/pub/foo/bar", with_token(sha1), b"",
                                   host="elsewhere.example:1234"))
        self.assertOK(self.request("POST", "https://elsewhere.example/pub/foo/bar",
                                   with_token(sha256), b""))
        self.assertUnauthorized(self.request("POST", "/pub/foo/bar?a=1",
                                             bearer("/pub/foo/bar?a=1"), b""))

    def test_T2_basic_token_as_user_name(self):
        for password in ("", "anything", "x:y"):
            self.publish(f"/pub/{self.u}", b"", basic(f"/pub/{self.u}", password))

    def test_T2_bearer_token(self):
        self.publish(f"/pub/{self.u}", b"", bearer(f"/pub/{self.u}"))

    def test_T2_scheme_word_case_insensitive(self):
        value = token(f"/pub/{self.u}")
        user = base64.b64encode((value + ":").encode()).decode()
        for header in (f"bearer {value}", f"BEARER {value}", f"BeArEr {value}",
                       f"basic {user}", f"BASIC {user}"):
            self.publish(f"/pub/{self.u}", b"", {"Authorization": header})

    def test_T2_anything_else_gets_401(self):
        value = token(f"/pub/{self.u}")
        for headers in ({}, {"Authorization": f"Token {value}"},
                        {"Authorization": value}, {"X-Token": value}):
            response = self.request("POST", f"/pub/{self.u}", headers, b"")
            self.assertUnauthorized(response)

    def test_T3_scope_prefixes_ending_in_slash(self):
        for scope in ("/", "/pub/", f"/pub/{self.u}/", f"/pub/{self.u}/bar"):
            self.publish(f"/pub/{self.u}/bar", b"", bearer(scope))

    def test_T3_directory_token_not_valid_for_sibling(self):
        self.publish(f"/pub/{self.u}/bar/baz", b"", bearer(f"/pub/{self.u}/"))
        response = self.request("POST", f"/pub/{self.u}bar", bearer(f"/pub/{self.u}/"), b"")
        self.assertUnauthorized(response)

    def test_T3_exact_token_only_that_path(self):
        self.publish(f"/pub/{self.u}", b"", bearer(f"/pub/{self.u}"))
        for other in (f"/pub/{self.u}/", f"/pub/{self.u}/bar", f"/pub/{self.u}x"):
            self.assertUnauthorized(self.request("POST", other, bearer(f"/pub/{self.u}"), b""))

    @async_case
    async def test_T4_token_without_pub_or_sub_valid_for_both(self):
        self.publish(f"/pub/{self.u}/bar", b"", bearer(f"/{self.u}/bar"))
        ws = await self.subscribe(f"/sub/{self.u}/bar", bearer(f"/{self.u}/bar"))
        await ws.close()
        self.publish(f"/pub/{self.u}/x/y", b"", bearer(f"/{self.u}/"))
        ws = await self.subscribe(f"/sub/{self.u}/x/y", bearer(f"/{self.u}/"))
        await ws.close()

    def test_T4_unsafe_never_removed(self):
        headers = {**websocket_headers(), **UNSAFE_OK}
        for scope in (f"/{self.u}", f"/sub/{self.u}", f"/unsafe/{self.u}"):
            response = self.request("GET", f"/unsafe/sub/{self.u}", {**headers, **bearer(scope)})
            self.assertUnauthorized(response)

    def test_T5_wrong_length_non_hex_or_upper_case_gets_401(self):
        good = token(f"/pub/{self.u}")
        good_sha1 = token(f"/pub/{self.u}", digest=hashlib.sha1)
        for value in (good[:-1], good + "0", good[:40] + "0", good_sha1[:-1], good_sha1 + "0",
                      good.upper(), good_sha1.upper(), "g" + good[1:], good[:-2] + "  ",
                      good[:32], "0" * 64):
            response = self.request("POST", f"/pub/{self.u}", with_token(value), b"")
            self.assertUnauthorized(response)


class TokensSha1Only(ServerCase):
    """T1: an option restricts the server to one hash."""

    server_args = ("--token-hash", "sha1")

    def test_T1_option_restricts_to_one_hash(self):
        sha1, sha256 = VECTORS["/pub/foo/bar"]
        self.publish("/pub/foo/bar", b"", with_token(sha1))
        self.assertUnauthorized(self.request("POST", "/pub/foo/bar", with_token(sha256), b""))


def envelope(delivery, event, body, signature):
    return json.dumps({"Delivery": delivery, "Event": event,
                       "Payload": base64.b64encode(body).decode(), "Signature": signature},
                      separators=(",", ":")).encode()


GITHUB_HEADERS = {"X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                  "X-GitHub-Event": "push",
                  "X-Hub-Signature-256": "sha256=" + "ab" * 32}


class ExtraMetadata(ServerCase):
    """X1-X2: ?extra-metadata=github."""

    @async_case
    async def test_X1_github_envelope_published(self):
        body = b'{"ref":"refs/heads/main"}\0\xff'
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github", body,
                     {**bearer(f"/pub/{self.u}"), **GITHUB_HEADERS})
        expected = (b'{"Delivery":"72d3162e-cc78-11e3-81ab-4c9367dc0958","Event":"push",'
                    b'"Payload":"' + base64.b64encode(body) + b'","Signature":"sha256=' +
                    b"ab" * 32 + b'"}')
        await self.assertReceives(ws, [expected])
        await ws.close()

    @async_case
    async def test_X1_absent_headers_give_empty_strings(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"x")
        await self.assertReceives(
            ws, [b'{"Delivery":"","Event":"","Payload":"eA==","Signature":""}'])
        await ws.close()

    @async_case
    async def test_X1_legacy_signature_when_256_absent(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        headers = {**bearer(f"/pub/{self.u}"), "X-Hub-Signature": "sha1=" + "cd" * 20}
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"y", headers)
        both = {**headers, "X-Hub-Signature-256": "sha256=" + "ef" * 32}
        self.publish(f"/pub/{self.u}?extra-metadata=github", b"z", both)
        await self.assertReceives(ws, [envelope("", "", b"y", "sha1=" + "cd" * 20),
                                       envelope("", "", b"z", "sha256=" + "ef" * 32)])
        await ws.close()

    @async_case
    async def test_X1_on_unsafe_pub(self):
        ws = await self.subscribe_unsafe(f"/unsafe/sub/{self.u}")
        self.publish(f"/unsafe/pub/{self.u}?extra-metadata=github", b"u", GITHUB_HEADERS)
        await self.assertReceives(ws, [envelope(GITHUB_HEADERS["X-GitHub-Delivery"], "push", b"u",
                                                GITHUB_HEADERS["X-Hub-Signature-256"])])
        await ws.close()

    @async_case
    async def test_X2_other_value_gets_400(self):
        ws = await self.subscribe(f"/sub/{self.u}")
        for value in ("gitlab", "GitHub", "", "github2"):
            response = self.request("POST", f"/pub/{self.u}?extra-metadata={value}",
                                    bearer(f"/pub/{self.u}"), b"not published")
            self.assertRefused(response, "HTTP/1.1 400 Bad Request",
                               b"400 Bad Request (bad ?extra-metadata=)\n")
        await self.assertNothingElse(ws, f"/pub/{self.u}")
        await ws.close()


CASES = [Endpoints, Tokens, TokensSha1Only, ExtraMetadata]
