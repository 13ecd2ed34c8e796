// CredentialBox: secretbox sealing and the 0600 key file.
#include "connectors/registry/credential_box.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace humas::connectors {
namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

Result<CredentialBox> CredentialBox::OpenKeyFile(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  if (path.empty()) return InvalidArgument("connector key file path is empty");
  Key key{};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    // First start: create exclusively with owner-only permissions, so a concurrent start cannot
    // end up with two different keys.
    randombytes_buf(key.data(), key.size());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      ssize_t n = ::write(fd, key.data(), key.size());
      bool ok = n == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) {
        ::unlink(path.c_str());
        return Unavailable(Errno("cannot write connector key file", path));
      }
      return CredentialBox(key);
    }
    if (errno != EEXIST) return Unavailable(Errno("cannot create connector key file", path));
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) return Unavailable(Errno("cannot open connector key file", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Unavailable(Errno("cannot stat connector key file", path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return FailedPrecondition("connector key file " + path +
                              " is readable by group or others; run chmod 600 on it");
  }
  if (st.st_size != static_cast<off_t>(key.size())) {
    ::close(fd);
    return FailedPrecondition("connector key file " + path + " must hold exactly " +
                              std::to_string(key.size()) + " bytes");
  }
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(key.size()))
    return Unavailable(Errno("cannot read connector key file", path));
  CredentialBox box(key);
  sodium_memzero(key.data(), key.size());
  return box;
}

std::string CredentialBox::Seal(std::string_view plaintext) const {
  if (plaintext.empty()) return "";
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  unsigned char* nonce = buf.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, key_.data());
  std::string out(sodium_base64_encoded_len(buf.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> CredentialBox::Open(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  std::vector<unsigned char> buf(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return DataLoss("stored credentials are not valid base64");
  }
  if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return DataLoss("stored credentials are truncated");
  size_t plain_len = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
  std::string plain(plain_len, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data()) != 0) {
    return DataLoss(
        "stored credentials cannot be opened: altered, or sealed under another key file");
  }
  return plain;
}

}  // namespace humas::connectors
