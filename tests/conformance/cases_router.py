"""R1, R2 and D7: the GitHub router of `serve --router github`.

A publisher POSTs a GitHub delivery to /unsafe/pub/github.com/...?extra-metadata=github;
the server commits it (unsafe subscribers get it as usual) and, when its
signature is right and it is a push, also publishes the R2 summary to the safe
topic github.com/repo/<full_name>/branch/<branch>. "Not routed" is checked with
a recursive subscriber on /sub/github.com/repo/ and a sentinel published after
the message: P9 delivers in publish order, so anything routed would come first.
"""
import base64
import hashlib
import hmac
import json

from conformance import ServerCase, async_case, bearer, framed, receive

SECRET = "gh-conformance-secret"


def sign(payload, secret=SECRET, digest=hashlib.sha256, prefix="sha256="):
    return prefix + hmac.new(secret.encode(), payload, digest).hexdigest()


def push_payload(full_name, ref="refs/heads/main", after="6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                 pusher={"name": "mona", "email": "mona@example.com"}):
    event = {"ref": ref, "before": "0" * 40, "after": after,
             "repository": {"id": 1, "name": full_name.split("/")[-1], "full_name": full_name}}
    if pusher is not None:
        event["pusher"] = pusher
    return json.dumps(event).encode()


def github_headers(payload, event="push", signature=None, legacy=False):
    """What GitHub sends with a delivery of `payload`."""
    headers = {"X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
               "X-GitHub-Event": event, "Content-Type": "application/json"}
    if legacy:
        headers["X-Hub-Signature"] = sign(payload, digest=hashlib.sha1, prefix="sha1=")
    elif signature is None:
        headers["X-Hub-Signature-256"] = sign(payload)
    elif signature:
        headers["X-Hub-Signature-256"] = signature
    return headers


def summary(branch, repo, sha, who):
    """R2's body, byte for byte: compact, keys in this order."""
    return (f'{{"Branch":"{branch}","Repo":"{repo}","SHA":"{sha}","Type":"push",'
            f'"Who":"{who}"}}').encode()


class RouterCase(ServerCase):
    server_args = ("--router", "github")
    server_env = {"HOOKBOT_GITHUB_SECRET": SECRET}

    def deliver(self, payload, path=None, **header_options):
        """POSTs a GitHub delivery of `payload` as GitHub would, to an
        unsafe github.com/ topic unless `path` says otherwise."""
        path = path or f"/unsafe/pub/github.com/{self.u}"
        headers = github_headers(payload, **header_options)
        if not path.startswith("/unsafe/"):
            headers.update(bearer(path))
        self.publish(f"{path}?extra-metadata=github", payload, headers)

    async def assertNotRouted(self, ws):
        """`ws` (recursive on /sub/github.com/repo/) got nothing before a sentinel."""
        topic = f"github.com/repo/sentinel/{self.u}"
        await self.assertNothingElse(ws, f"/pub/{topic}", lambda body: framed(topic, body))

    async def assertNotRoutedAfter(self, deliver):
        ws = await self.subscribe("/sub/github.com/repo/")
        deliver()
        await self.assertNotRouted(ws)
        await ws.close()


class GitHubRouter(RouterCase):
    """R1, R2, D7 with `serve --router github` and HOOKBOT_GITHUB_SECRET."""

    @async_case
    async def test_R2_push_published_to_branch_topic_byte_for_byte(self):
        repo = f"{self.u}/hello"
        ws = await self.subscribe(f"/sub/github.com/repo/{repo}/branch/main")
        self.deliver(push_payload(repo))
        await self.assertReceives(ws, [summary("main", repo, "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                                               "mona")])
        await ws.close()

    @async_case
    async def test_D7_original_still_delivered_and_routed_one_after(self):
        repo = f"{self.u}/hello"
        unsafe = await self.subscribe_unsafe("/unsafe/sub/github.com/")
        routed = await self.subscribe("/sub/github.com/")
        payload = push_payload(repo)
        self.deliver(payload)
        original = await self._receive_framed(unsafe, f"/unsafe/github.com/{self.u}")
        self.assertEqual(json.loads(original)["Payload"], base64.b64encode(payload).decode())
        topic = f"github.com/repo/{repo}/branch/main"
        await self.assertReceives(routed, [framed(topic, summary(
            "main", repo, "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "mona"))])
        await unsafe.close()
        await routed.close()

    async def _receive_framed(self, ws, topic):
        message = await receive(ws)
        got_topic, _, body = message.partition(b"\0")
        self.assertEqual(got_topic, topic.encode())
        return body

    @async_case
    async def test_D7_4_tags_kept_whole(self):
        repo = f"{self.u}/tagged"
        ws = await self.subscribe(f"/sub/github.com/repo/{repo}/branch/refs/tags/v1.0")
        self.deliver(push_payload(repo, ref="refs/tags/v1.0", after="abc"))
        await self.assertReceives(ws, [summary("refs/tags/v1.0", repo, "abc", "mona")])
        await ws.close()

    @async_case
    async def test_D7_4_no_pusher_is_unknown(self):
        repo = f"{self.u}/anon"
        ws = await self.subscribe(f"/sub/github.com/repo/{repo}/branch/dev")
        self.deliver(push_payload(repo, ref="refs/heads/dev", after="def", pusher=None))
        await self.assertReceives(ws, [summary("dev", repo, "def", "<unknown>")])
        await ws.close()

    @async_case
    async def test_R1_legacy_sha1_signature_routed(self):
        repo = f"{self.u}/legacy"
        ws = await self.subscribe(f"/sub/github.com/repo/{repo}/branch/main")
        self.deliver(push_payload(repo, after="123"), legacy=True)
        await self.assertReceives(ws, [summary("main", repo, "123", "mona")])
        await ws.close()

    @async_case
    async def test_D7_1_envelope_published_directly_routed(self):
        repo = f"{self.u}/direct"
        ws = await self.subscribe(f"/sub/github.com/repo/{repo}/branch/main")
        payload = push_payload(repo, after="456")
        envelope = json.dumps({"Event": "push", "Payload": base64.b64encode(payload).decode(),
                               "Signature": sign(payload)}).encode()
        self.publish(f"/unsafe/pub/github.com/{self.u}", envelope, {})
        await self.assertReceives(ws, [summary("main", repo, "456", "mona")])
        await ws.close()

    @async_case
    async def test_R1_wrong_signature_not_routed_original_delivered(self):
        payload = push_payload(f"{self.u}/hello")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/github.com/{self.u}")
        for signature in (sign(payload, secret="another secret"), sign(b"other payload"),
                          "sha256=" + "0" * 64, "md5=abc"):
            await self.assertNotRoutedAfter(lambda: self.deliver(payload, signature=signature))
            original = json.loads(await self._receive_bare(unsafe))
            self.assertEqual(original["Signature"], signature)
        await unsafe.close()

    async def _receive_bare(self, ws):
        return await receive(ws)

    @async_case
    async def test_R1_missing_signature_not_routed_original_delivered(self):
        payload = push_payload(f"{self.u}/hello")
        unsafe = await self.subscribe_unsafe(f"/unsafe/sub/github.com/{self.u}")
        await self.assertNotRoutedAfter(lambda: self.deliver(payload, signature=""))
        self.assertEqual(json.loads(await self._receive_bare(unsafe))["Signature"], "")
        await unsafe.close()

    @async_case
    async def test_D7_3_other_events_not_routed(self):
        payload = push_payload(f"{self.u}/hello")
        for event in ("ping", "issues", "Push", ""):
            await self.assertNotRoutedAfter(lambda: self.deliver(payload, event=event))

    @async_case
    async def test_D7_3_missing_repository_not_routed(self):
        for event in ({"ref": "refs/heads/main", "after": "1"},
                      {"ref": "refs/heads/main", "repository": {"full_name": ""}},
                      {"ref": "refs/heads/main", "repository": {"name": "x"}}):
            payload = json.dumps(event).encode()
            await self.assertNotRoutedAfter(lambda: self.deliver(payload))

    @async_case
    async def test_D7_3_invalid_json_in_either_layer_not_routed(self):
        # The payload is not JSON (signed all the same).
        await self.assertNotRoutedAfter(lambda: self.deliver(b'{"repository": {"full_name"'))
        # The message itself is not JSON: no ?extra-metadata=.
        await self.assertNotRoutedAfter(
            lambda: self.publish(f"/unsafe/pub/github.com/{self.u}", b"not json {", {}))
        # JSON but not an envelope.
        await self.assertNotRoutedAfter(
            lambda: self.publish(f"/unsafe/pub/github.com/{self.u}", b'{"Event":"push"}', {}))

    @async_case
    async def test_D7_safe_topic_not_routed(self):
        payload = push_payload(f"{self.u}/hello")
        await self.assertNotRoutedAfter(
            lambda: self.deliver(payload, path=f"/pub/github.com/{self.u}"))

    @async_case
    async def test_D7_unsafe_topic_outside_prefix_not_routed(self):
        payload = push_payload(f"{self.u}/hello")
        for path in (f"/unsafe/pub/github.comx/{self.u}", f"/unsafe/pub/gitlab.com/{self.u}",
                     "/unsafe/pub/github.com"):
            await self.assertNotRoutedAfter(lambda: self.deliver(payload, path=path))


class WithoutRouter(RouterCase):
    """D7: without --router github nothing is routed, even with a secret set."""

    server_args = ()

    @async_case
    async def test_D7_without_router_nothing_routed(self):
        payload = push_payload(f"{self.u}/hello")
        await self.assertNotRoutedAfter(lambda: self.deliver(payload))
        await self.assertNotRoutedAfter(lambda: self.deliver(payload, legacy=True))


CASES = [GitHubRouter, WithoutRouter]
