#include "store/block_codec.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "core/byte_reader.h"

namespace siphon::store {
namespace {

core::CaptureMeta sample(int i, std::string_view payload) {
  core::CaptureMeta m;
  m.hep_version = 3;
  m.ip_family = 2;
  m.ip_proto = 17;
  m.src_ip = *core::IpAddress::parse("10.0.0." + std::to_string(i % 250));
  m.dst_ip = *core::IpAddress::parse("2001:db8::1");
  m.src_port = 5060;
  m.dst_port = static_cast<uint16_t>(5000 + i);
  m.ts_sec = 1700000000 + static_cast<uint32_t>(i);
  m.ts_usec = 999999;
  m.capture_id = 2001;
  m.payload_type = 1;
  m.has_auth_key = true;
  m.auth_key = "secret";
  m.node_name = "node1";
  m.correlation_id = "abc@host";
  m.payload = core::asBytes(payload);
  return m;
}

TEST(BlockCodec, RoundTripsEveryField) {
  std::string payload = "OPTIONS sip:x SIP/2.0\r\n\r\n";
  std::string vendor_value = "xy";
  BlockBuilder b;
  for (int i = 0; i < 3; ++i) {
    auto m = sample(i, payload);
    if (i == 1) m.other_chunks.push_back({3, 0x22, core::asBytes(vendor_value)});
    b.add(m, m.node_name);
  }
  auto raw = b.finish();
  auto compressed = compressBlock(raw, 3);
  BlockDecompressor d(1 << 20);
  auto back = d.decompress(compressed, 1 << 20);
  ASSERT_TRUE(back.has_value());
  auto records = decodeBlock(back->raw);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 3u);
  const auto& r = (*records)[1];
  EXPECT_EQ(r.src_ip.toString(), "10.0.0.1");
  EXPECT_EQ(r.dst_ip.toString(), "2001:db8::1");
  EXPECT_EQ(r.dst_port, 5001);
  EXPECT_EQ(r.microsSinceEpoch(), int64_t{1700000001} * 1000000 + 999999);
  EXPECT_EQ(r.capture_id, 2001u);
  EXPECT_TRUE(r.has_auth_key);
  EXPECT_EQ(r.auth_key, "");  // the credential itself is not kept
  EXPECT_EQ(r.node_name, "node1");
  EXPECT_EQ(r.correlation_id, "abc@host");
  ASSERT_EQ(r.other_chunks.size(), 1u);
  EXPECT_EQ(r.other_chunks[0].vendor, 3);
  EXPECT_EQ(core::asText(r.other_chunks[0].value), "xy");
  EXPECT_EQ(core::asText(r.payload), payload);
}

TEST(BlockCodec, EveryTruncationIsAnErrorNotACrash) {
  std::string payload = "SIP/2.0 200 OK\r\n\r\n";
  BlockBuilder b;
  b.add(sample(1, payload), "n");
  b.add(sample(2, payload), "n");
  auto raw = b.finish();
  for (size_t n = 0; n < raw.size(); ++n) {
    std::vector<std::byte> prefix(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decodeBlock(prefix).has_value()) << n;
  }
  EXPECT_TRUE(decodeBlock(raw).has_value());
}

TEST(BlockCodec, DecompressorReusesReturnedBuffers) {
  BlockBuilder big;
  std::string large(200000, 'a');
  big.add(sample(1, large), "n");
  BlockBuilder small;
  std::string little = "OPTIONS sip:x SIP/2.0\r\n\r\n";
  small.add(sample(2, little), "n");
  const auto big_z = compressBlock(big.finish(), 1);
  const auto small_z = compressBlock(small.finish(), 1);

  BlockDecompressor d(1 << 20);
  const std::byte* first_buffer = nullptr;
  {
    auto a = d.decompress(big_z, 1 << 20);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->raw.size(), big.finish().size());
    first_buffer = a->owner->data();
  }  // the last owner is gone: the buffer is back in the pool
  // A smaller block reuses it (the buffer keeps its larger size; `raw` is the block's).
  auto b = d.decompress(small_z, 1 << 20);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->owner->data(), first_buffer);
  ASSERT_EQ(b->raw.size(), small.finish().size());
  auto records = decodeBlock(b->raw);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(core::asText((*records)[0].payload), little);
  // While `b` is held, another block gets another buffer, and its bytes are its own.
  auto c = d.decompress(big_z, 1 << 20);
  ASSERT_TRUE(c.has_value());
  EXPECT_NE(c->owner->data(), b->owner->data());
  EXPECT_EQ(core::asText((*records)[0].payload), little);
}

TEST(BlockCodec, CompressorOutputIsTheFinishedBlockWhereverTheMetadataGoes) {
  // The compressor reads a block in place when its header and metadata fit in the room before
  // the payloads, and in parts when they do not. Either way the frame holds finish()'s bytes:
  // for a block compressed again after more records (an open block's rewrite), for one whose
  // metadata outgrows the room, and for a cleared builder reused.
  BlockCompressor compressor(3);
  BlockDecompressor d(8 << 20);
  BlockBuilder b;
  auto expectFrameIsFinish = [&](const char* when) {
    const auto frame = compressor.compress(b);
    auto back = d.decompress(frame, 8 << 20);
    ASSERT_TRUE(back.has_value()) << when;
    const auto want = b.finish();
    EXPECT_EQ(compressor.lastRawSize(), want.size()) << when;
    ASSERT_EQ(back->raw.size(), want.size()) << when;
    EXPECT_TRUE(std::equal(want.begin(), want.end(), back->raw.begin())) << when;
  };
  const std::string payload = "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n";
  for (int i = 0; i < 100; ++i) b.add(sample(i, payload), "edge-1");
  expectFrameIsFinish("small metadata");
  for (int i = 100; i < 200; ++i) b.add(sample(i, payload), "edge-1");
  expectFrameIsFinish("compressed again after more records");
  const std::string long_node(2000, 'n');  // 300 records: about 600 KB of metadata
  for (int i = 200; i < 500; ++i) b.add(sample(i, payload), long_node);
  expectFrameIsFinish("metadata larger than the room");
  b.clear();
  for (int i = 0; i < 10; ++i) b.add(sample(i, payload + std::to_string(i)), "edge-2");
  expectFrameIsFinish("cleared and reused");
  const auto raw = b.finish();  // the records' views point into it
  auto records = decodeBlock(raw);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 10u);
  EXPECT_EQ(core::asText((*records)[9].payload), payload + "9");
}

TEST(BlockCodec, CorruptCompressedBlockIsAnError) {
  BlockDecompressor d(1 << 20);
  std::vector<std::byte> junk(64, std::byte{0x5a});
  auto r = d.decompress(junk, 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, BlockErrc::Decompress);
  BlockBuilder b;
  std::string payload(100000, 'x');
  b.add(sample(1, payload), "n");
  auto compressed = compressBlock(b.finish(), 1);
  auto big = d.decompress(compressed, 1000);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, BlockErrc::TooLarge);
  // A frame cut short: its announced size is there, its bytes are not.
  compressed.resize(compressed.size() / 2);
  auto cut = d.decompress(compressed, 1 << 20);
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().code, BlockErrc::Decompress);
}

TEST(BlockBufferPool, KeepsNoMoreThanItsBound) {
  BlockBufferPool pool(1000);
  {
    auto a = pool.take(600);
    auto b = pool.take(600);
    EXPECT_GE(a->size(), 600u);
  }  // b returns first (600 kept), then a would exceed 1000: freed
  EXPECT_EQ(pool.idleBytes(), 600u);
  auto c = pool.take(100);
  EXPECT_EQ(c->size(), 600u);  // the kept buffer, not shrunk
  EXPECT_EQ(pool.idleBytes(), 0u);
}

TEST(BlockBufferPool, BuffersOutliveThePool) {
  std::shared_ptr<BlockBufferPool::Buffer> kept;
  {
    BlockBufferPool pool(1 << 20);
    kept = pool.take(64);
  }
  (*kept)[0] = std::byte{1};
  kept.reset();  // returns into the pool's state, which the buffer kept alive (ASan checks)
}

}  // namespace
}  // namespace siphon::store
