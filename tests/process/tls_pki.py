"""A throwaway certificate authority and server certificates for TLS tests,
made with the `openssl` command line in a temporary folder.

    pki = TestPKI(folder)
    cert, key = pki.server_certificate("server")   # for 127.0.0.1 and localhost
    context = pki.client_context()                 # trusts the CA, checks the name
"""
import os
import ssl
import subprocess


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class TestPKI:
    def __init__(self, folder):
        self.folder = folder
        self.ca_cert = os.path.join(folder, "ca.crt")
        self.ca_key = os.path.join(folder, "ca.key")
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "2",
                 "-subj", "/CN=hookbot test CA", cwd=folder)

    def server_certificate(self, name, common_name="hookbot test server"):
        """Makes `name`.crt and `name`.key, signed by the CA, valid for 127.0.0.1
        and localhost; returns their paths."""
        cert = os.path.join(self.folder, name + ".crt")
        key = os.path.join(self.folder, name + ".key")
        csr = os.path.join(self.folder, name + ".csr")
        extensions = os.path.join(self.folder, name + ".ext")
        with open(extensions, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    "extendedKeyUsage=serverAuth\n")
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", key, "-out", csr, "-subj", "/CN=" + common_name, cwd=self.folder)
        _openssl("x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key,
                 "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extensions,
                 cwd=self.folder)
        return cert, key

    def client_context(self):
        """Verifies the server against this CA only, host name included."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=self.ca_cert)
        context.check_hostname = True
        return context


def serve_args(cert, key):
    return ["--tls-cert", cert, "--tls-key", key]
