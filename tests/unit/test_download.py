import http.server
import threading

import pytest

from aftersales.download import download, sha256_of
from aftersales.errors import DataUnavailableError, IntegrityError


def test_file_url_with_checksum(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(b"abc")
    # sha256("abc") is the FIPS 180-2 test vector
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    dest = download(source.as_uri(), tmp_path / "out" / "x.bin", sha256=expected, progress=False)
    assert dest.read_bytes() == b"abc" and sha256_of(dest) == expected


def test_checksum_mismatch_keeps_nothing(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(b"abc")
    dest = tmp_path / "x.bin"
    with pytest.raises(IntegrityError, match=r"sha256 .* expected 0000"):
        download(source.as_uri(), dest, sha256="0" * 64, progress=False)
    assert not dest.exists() and not (tmp_path / "x.bin.part").exists()


def test_unreachable_host_retries_then_names_the_url(tmp_path):
    url = "http://127.0.0.1:9/nothing.zip"  # discard port: connection refused at once
    with pytest.raises(DataUnavailableError, match=r"127\.0\.0\.1:9/nothing\.zip after 2 attempt"):
        download(url, tmp_path / "x.zip", retries=2, backoff=0, progress=False)
    assert not (tmp_path / "x.zip").exists()


class _Truncating(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # announces 100 bytes, sends 10
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b"0123456789")

    def log_message(self, *args):
        pass


def test_truncated_download_is_detected(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Truncating)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/file.zip"
        with pytest.raises(
            IntegrityError, match=r"truncated: received 10 of 100 bytes.*2 attempts"
        ):
            download(url, tmp_path / "f.zip", retries=2, backoff=0, read_timeout=5, progress=False)
    finally:
        server.shutdown()
    assert not (tmp_path / "f.zip").exists() and not (tmp_path / "f.zip.part").exists()
