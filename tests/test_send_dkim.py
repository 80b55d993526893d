"""``newsletter send --dkim-key``: every copy signed, and verifiable with the published public key."""

from __future__ import annotations

import base64
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from newsletter.send import DKIM_HEADERS
from tests.conftest import MakeSite, run
from tests.test_send import Mailbox, mailbox  # noqa: F401  (a fixture)
from tests.test_send_list import parsed, server_args

SELECTOR, DOMAIN = "news2024", "example.org"


def key_pair(folder: Path) -> tuple[Path, bytes]:
    """A new RSA key written to ``folder`` as PEM, and the DNS TXT record that publishes its public half."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "dkim.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dkim_args(key: Path) -> tuple[str, ...]:
    """The options that sign with ``key``."""
    return ("--dkim-key", str(key), "--dkim-selector", SELECTOR, "--dkim-domain", DOMAIN)


def test_each_copy_is_signed_and_verifies_with_the_published_key(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], tmp_path: Path  # noqa: F811
) -> None:
    box, port = mailbox
    key, record = key_pair(tmp_path)
    asked: list[bytes] = []

    def dns(name: bytes, timeout: int = 5) -> bytes:
        asked.append(name)
        return record

    result = run("send", "2022-05", "--to", "a@example.org", "--to", "Bea <b@example.org>",
                 *dkim_args(key), *server_args(port), cwd=make_site())
    assert result.exit_code == 0, result.output
    assert len(box.messages) == 2
    for _, _, data in box.messages:
        assert dkim.verify(data, dnsfunc=dns)
        signature = str(parsed(data)["DKIM-Signature"]).replace("\r\n", "")
        tags = dict(part.strip().split("=", 1) for part in signature.split(";") if part.strip())
        assert (tags["a"], tags["c"], tags["d"], tags["s"]) == ("rsa-sha256", "relaxed/relaxed", DOMAIN, SELECTOR)
        signed = {name.strip().lower() for name in tags["h"].split(":")}
        present = {name.lower() for name in DKIM_HEADERS if name in parsed(data)}
        assert signed == present and {"from", "subject", "date", "message-id", "to"} <= signed
    assert set(asked) == {f"{SELECTOR}._domainkey.{DOMAIN}.".encode()}


def test_a_tampered_copy_fails_verification(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], tmp_path: Path  # noqa: F811
) -> None:
    box, port = mailbox
    key, record = key_pair(tmp_path)
    result = run("send", "2022-05", "--to", "a@example.org", *dkim_args(key), *server_args(port), cwd=make_site())
    assert result.exit_code == 0, result.output
    data = box.messages[0][2].replace(b"Subject: ", b"Subject: Re: ", 1)
    assert not dkim.verify(data, dnsfunc=lambda name, timeout=5: record)


def test_dkim_options_come_all_three_or_none(make_site: MakeSite, tmp_path: Path) -> None:
    key, _ = key_pair(tmp_path)
    result = run("send", "2022-05", "--to", "a@example.org", "--dkim-key", str(key), "--dkim-domain", DOMAIN,
                 cwd=make_site())
    assert result.exit_code == 2
    assert "add --dkim-selector" in result.output


def test_a_key_that_cannot_be_read_or_parsed_is_an_error_before_anything_is_sent(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], tmp_path: Path  # noqa: F811
) -> None:
    box, port = mailbox
    root = make_site()
    missing = run("send", "2022-05", "--to", "a@example.org", *dkim_args(tmp_path / "nowhere.pem"),
                  *server_args(port), cwd=root)
    assert missing.exit_code == 1
    assert "error: cannot read the DKIM key" in missing.output
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    garbled = run("send", "2022-05", "--to", "a@example.org", *dkim_args(bad), *server_args(port), cwd=root)
    assert garbled.exit_code == 1
    assert "error: cannot sign with the DKIM key" in garbled.output and "PEM" in garbled.output
    assert box.messages == []
