#pragma once
// A self-signed certificate and key for 127.0.0.1, written as cert.pem and key.pem into a
// directory: the IP in subjectAltName (what a verifying client checks) and CA:TRUE, so that
// it is its own root.

#include <filesystem>

namespace siphon::support {

void writeSelfSignedCert(const std::filesystem::path& dir);

}  // namespace siphon::support
