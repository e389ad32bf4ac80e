// Round trips over every opcode and every field's extremes, and the decoder's rejections.
#include "core/isa/isa.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace aorta::isa {
namespace {

// A word holding `d`'s opcode with every field at its minimum legal value.
Word MinimalWord(const InsnDesc& d) {
  Word w{};
  SetBits(w, 0, 8, static_cast<uint64_t>(d.opcode));
  for (size_t i = 0; i < d.num_fields; ++i)
    SetBits(w, d.fields[i].lsb, d.fields[i].width, d.fields[i].min);
  return w;
}

// Legal extreme raw values of a field.
std::vector<uint64_t> Extremes(const FieldDesc& f) {
  if (f.enum_type) {
    std::vector<uint64_t> v;
    // Every encoding: the defined ones must round-trip, the others be rejected (see below).
    for (uint64_t x = 0; x < (uint64_t{1} << f.width); ++x) v.push_back(x);
    return v;
  }
  uint64_t all = f.width >= 64 ? ~uint64_t{0} : (uint64_t{1} << f.width) - 1;
  if (f.is_signed) {
    uint64_t most_neg = uint64_t{1} << (f.width - 1);
    return {0, 1, all, most_neg, most_neg - 1};
  }
  return {f.min, f.min + 1, all, all - 1};
}

TEST(Isa, EveryOpcodeHasAUniqueDescriptorAndFitsTheWord) {
  std::set<int> opcodes;
  std::set<std::string> names;
  for (const InsnDesc& d : kInsnDescs) {
    EXPECT_TRUE(opcodes.insert(static_cast<int>(d.opcode)).second) << d.name;
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_LE(d.used_bits, kWordBits) << d.name;
    unsigned expect_lsb = kHeaderBits;
    for (size_t i = 0; i < d.num_fields; ++i) {
      EXPECT_EQ(d.fields[i].lsb, expect_lsb) << d.name << "." << d.fields[i].name;
      expect_lsb += d.fields[i].width;
    }
    EXPECT_EQ(expect_lsb, d.used_bits) << d.name;
  }
  EXPECT_GE(opcodes.size(), 14u);
}

TEST(Isa, RoundTripsEveryFieldExtremeOfEveryOpcode) {
  int cases = 0;
  for (const InsnDesc& d : kInsnDescs) {
    for (size_t i = 0; i < d.num_fields; ++i) {
      const FieldDesc& f = d.fields[i];
      for (uint64_t raw : Extremes(f)) {
        Word w = MinimalWord(d);
        SetBits(w, f.lsb, f.width, raw);
        Result<Insn> insn = Decode(w);
        if (f.enum_type && !insn.ok()) {
          // Undefined enum encodings must be rejected with the field named.
          EXPECT_NE(insn.status().message().find(f.name), std::string::npos)
              << insn.status().ToString();
          continue;
        }
        ASSERT_TRUE(insn.ok()) << d.name << "." << f.name << "=" << raw << ": "
                               << insn.status().ToString();
        EXPECT_EQ(OpcodeOf(*insn), d.opcode);
        Result<Word> back = Encode(*insn);
        ASSERT_TRUE(back.ok()) << back.status().ToString();
        EXPECT_EQ(*back, w) << d.name << "." << f.name << "=" << raw;
        // The disassembly names the field with its value.
        std::string text = Disassemble(w);
        EXPECT_EQ(text.rfind(d.name, 0), 0u) << text;
        int64_t shown = f.is_signed ? GetSignedBits(w, f.lsb, f.width) : static_cast<int64_t>(raw);
        if (!f.enum_type) {
          std::string expect = f.is_signed ? fmt::format(" {}={}", f.name, shown)
                                           : fmt::format(" {}={}", f.name, raw);
          EXPECT_NE(text.find(expect), std::string::npos) << text << " lacks" << expect;
        }
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 300);
}

TEST(Isa, RoundTripsDependencyFlagsPerQueue) {
  for (const InsnDesc& d : kInsnDescs) {
    for (unsigned flags = 0; flags < 16; ++flags) {
      Word w = MinimalWord(d);
      SetBits(w, 8, 4, flags);
      Deps deps{(flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0};
      bool legal = CheckDeps(d.queue, deps).ok();
      Result<Insn> insn = Decode(w);
      ASSERT_EQ(insn.ok(), legal) << d.name << " flags " << flags;
      if (!legal) continue;
      EXPECT_EQ(DepsOf(*insn), deps);
      EXPECT_EQ(*Encode(*insn), w);
    }
  }
  EXPECT_FALSE(CheckDeps(Queue::kLd, Deps{true, false, false, false}).ok());
  EXPECT_FALSE(CheckDeps(Queue::kSt, Deps{false, false, false, true}).ok());
  EXPECT_FALSE(CheckDeps(Queue::kBarrier, Deps{false, true, false, false}).ok());
  EXPECT_TRUE(CheckDeps(Queue::kEx, Deps{true, true, true, true}).ok());
}

TEST(Isa, RejectsUndefinedOpcodes) {
  int undefined = 0;
  for (uint64_t op = 0; op < 256; ++op) {
    Word w{};
    SetBits(w, 0, 8, op);
    if (FindInsnDesc(op) != nullptr) continue;
    Result<Insn> insn = Decode(w);
    ASSERT_FALSE(insn.ok());
    EXPECT_NE(insn.status().message().find("undefined opcode"), std::string::npos);
    ++undefined;
  }
  EXPECT_EQ(undefined, 256 - static_cast<int>(std::size(kInsnDescs)));
  // An all-zero word (cleared memory) is not an instruction.
  EXPECT_FALSE(Decode(Word{}).ok());
}

TEST(Isa, RejectsEveryReservedBit) {
  for (const InsnDesc& d : kInsnDescs) {
    for (unsigned b = d.used_bits; b < kWordBits; ++b) {
      Word w = MinimalWord(d);
      SetBits(w, b, 1, 1);
      Result<Insn> insn = Decode(w);
      ASSERT_FALSE(insn.ok()) << d.name << " bit " << b;
      EXPECT_NE(insn.status().message().find(fmt::format("reserved bit {} is set", b)),
                std::string::npos)
          << insn.status().message();
      // With a higher reserved bit set too, the lowest is named.
      if (b + 1 < kWordBits) {
        SetBits(w, kWordBits - 1 - (b % 3) * (kWordBits - 1 - b) / 2, 1, 1);
        Result<Insn> two = Decode(w);
        ASSERT_FALSE(two.ok());
        EXPECT_NE(two.status().message().find(fmt::format("reserved bit {} is set", b)),
                  std::string::npos)
            << two.status().message();
      }
    }
  }
}

TEST(Isa, RejectsFieldsBelowTheirMinimum) {
  int checked = 0;
  for (const InsnDesc& d : kInsnDescs) {
    for (size_t i = 0; i < d.num_fields; ++i) {
      if (d.fields[i].min == 0) continue;
      Word w = MinimalWord(d);
      SetBits(w, d.fields[i].lsb, d.fields[i].width, d.fields[i].min - 1);
      Result<Insn> insn = Decode(w);
      ASSERT_FALSE(insn.ok());
      EXPECT_NE(insn.status().message().find(d.fields[i].name), std::string::npos);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST(Isa, EncoderNamesAFieldThatDoesNotFit) {
  Matmul m;
  m.in_w = 1u << 12;  // 12-bit field
  Result<Word> w = Encode(m);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("MATMUL.in_w"), std::string::npos) << w.status().ToString();
  m.in_w = 4095;
  m.y_off = -4097;  // signed 13-bit: -4096..4095
  w = Encode(m);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("MATMUL.y_off"), std::string::npos);
  m.y_off = -4096;
  EXPECT_TRUE(Encode(m).ok());
  Postproc p;
  p.rows = 0;  // minimum 1
  EXPECT_FALSE(Encode(p).ok());
  DmaLoad l;
  l.deps.pop_prev = true;  // LD has no previous queue
  EXPECT_FALSE(Encode(l).ok());
}

TEST(Isa, StreamsRoundTripAndNameTheBadInstruction) {
  std::vector<Insn> prog;
  DmaLoad l;
  l.mem = Mem::kWb;
  l.ext_offset = 0xABCDEF1234;
  l.rows = 16;
  l.row_bytes = 16;
  l.deps.push_next = true;
  prog.push_back(l);
  Matmul m;
  m.deps.pop_prev = true;
  m.y_off = -1;
  m.x_off = -1;
  m.pad_value = -128;
  prog.push_back(m);
  prog.push_back(Halt{});
  Result<std::vector<uint8_t>> bytes = EncodeStream(prog);
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 3 * kWordBytes);
  Result<std::string> text = EncodeStreamString(prog);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, std::string(bytes->begin(), bytes->end()));
  Result<std::vector<Insn>> back = DecodeStream(*bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, prog);
  EXPECT_EQ(Disassemble((*back)[1]).substr(0, 16), "MATMUL [pop_prev");

  std::vector<uint8_t> truncated(bytes->begin(), bytes->end() - 1);
  EXPECT_EQ(DecodeStream(truncated).status().code(), StatusCode::kDataLoss);
  std::vector<uint8_t> corrupt = *bytes;
  corrupt[kWordBytes * 2] = 0xEE;  // opcode of instruction 2
  Result<std::vector<Insn>> bad = DecodeStream(corrupt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("instruction 2"), std::string::npos);
  EXPECT_NE(Disassemble(WordAt(corrupt, 2)).find("invalid"), std::string::npos);
}

// GetBits / SetBits against the definition, bit by bit, on random words and every field
// position and width.
TEST(Isa, BitFieldsMatchTheirBitByBitDefinition) {
  std::mt19937_64 rng(7);
  auto bit = [](const Word& w, unsigned b) { return (w[b / 64] >> (b % 64)) & 1u; };
  const uint64_t a = 0xAAAAAAAAAAAAAAAAull;
  std::vector<Word> words = {Word{~0ull, ~0ull, ~0ull, ~0ull}, Word{a, ~a, a, ~a}};
  for (int round = 0; round < 2; ++round) words.push_back(Word{rng(), rng(), rng(), rng()});
  for (const Word& w : words) {
    for (unsigned width = 0; width <= 64; ++width) {
      for (unsigned lsb = 0; lsb + width <= kWordBits; ++lsb) {
        uint64_t expect = 0;
        for (unsigned i = 0; i < width; ++i) expect |= bit(w, lsb + i) << i;
        ASSERT_EQ(GetBits(w, lsb, width), expect) << "lsb " << lsb << " width " << width;
        Word x = w;
        const uint64_t value = rng();
        SetBits(x, lsb, width, value);
        for (unsigned b = 0; b < kWordBits; ++b) {
          const bool inside = b >= lsb && b < lsb + width;
          ASSERT_EQ(bit(x, b), inside ? (value >> (b - lsb)) & 1u : bit(w, b))
              << "lsb " << lsb << " width " << width << " bit " << b;
        }
      }
    }
  }
}

// Decode against its definition (DecodePlain) on random words: every opcode byte, random fields
// (an enum or a field with a minimum often at a value it rejects), random dependency flags, now
// and then a reserved bit; the same instruction or the same error text.
TEST(Isa, DecodeEqualsItsPlainDefinitionOnRandomWords) {
  std::mt19937_64 rng(2026);
  int accepted = 0, rejected = 0;
  for (int round = 0; round < 60000; ++round) {
    Word w{rng(), rng(), rng(), rng()};
    const InsnDesc* d = round % 8 == 0 ? nullptr : &kInsnDescs[rng() % std::size(kInsnDescs)];
    if (d != nullptr) {
      SetBits(w, 0, 8, static_cast<uint64_t>(d->opcode));
      for (unsigned b = d->used_bits; b < kWordBits; ++b) SetBits(w, b, 1, 0);
      if (rng() % 8 == 0) SetBits(w, d->used_bits + rng() % (kWordBits - d->used_bits), 1, 1);
      for (size_t i = 0; i < d->num_fields; ++i) {
        const FieldDesc& f = d->fields[i];
        const uint64_t small = rng() % 8;  // below a minimum, or an undefined enum value
        if (rng() % 4 == 0) SetBits(w, f.lsb, f.width, small);
      }
      // Dependency flags: mostly none (a random set is mostly wrong for the queue).
      if (rng() % 4 != 0) SetBits(w, 8, kHeaderBits - 8, 0);
    }
    Result<Insn> fast = Decode(w), plain = DecodePlain(w);
    ASSERT_EQ(fast.ok(), plain.ok()) << Disassemble(w) << " / " << plain.status().ToString();
    if (plain.ok()) {
      ASSERT_EQ(*fast, *plain) << Disassemble(w);
      ++accepted;
    } else {
      ASSERT_EQ(fast.status().ToString(), plain.status().ToString());
      ++rejected;
    }
  }
  // Both outcomes were exercised many times.
  EXPECT_GT(accepted, 10000);
  EXPECT_GT(rejected, 10000);
}

// LoadWord / StoreWord against the byte-by-byte definition, on random bytes at every alignment.
TEST(Isa, WordBytesMatchTheirByteByByteDefinition) {
  std::mt19937 rng(11);
  std::vector<uint8_t> buf(kWordBytes + 8);
  for (int round = 0; round < 64; ++round) {
    for (uint8_t& b : buf) b = static_cast<uint8_t>(rng());
    const size_t at = static_cast<size_t>(round % 8);
    std::span<const uint8_t, kWordBytes> in(buf.data() + at, kWordBytes);
    Word expect{};
    for (size_t i = 0; i < kWordBytes; ++i) expect[i / 8] |= uint64_t{in[i]} << (8 * (i % 8));
    ASSERT_EQ(LoadWord(in), expect) << round;
    std::vector<uint8_t> out(kWordBytes + 8, 0x5a);
    StoreWord(expect, std::span<uint8_t, kWordBytes>(out.data() + at, kWordBytes));
    for (size_t i = 0; i < out.size(); ++i) {
      const bool inside = i >= at && i < at + kWordBytes;
      ASSERT_EQ(out[i],
                inside ? static_cast<uint8_t>(expect[(i - at) / 8] >> (8 * ((i - at) % 8))) : 0x5a)
          << round << " byte " << i;
    }
  }
}

TEST(Isa, WordBytesAreLittleEndianWordZeroFirst) {
  Word w{0x0807060504030201ull, 0, 0, 0xF0ull << 56};
  std::array<uint8_t, kWordBytes> b{};
  StoreWord(w, b);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(b[7], 0x08);
  EXPECT_EQ(b[31], 0xF0);
  EXPECT_EQ(LoadWord(b), w);
  // A field straddling words 0 and 1.
  Word x{};
  SetBits(x, 60, 8, 0xA5);
  EXPECT_EQ(GetBits(x, 60, 8), 0xA5u);
  EXPECT_EQ(x[0] >> 60, 0x5u);
  EXPECT_EQ(x[1] & 0xF, 0xAu);
  SetBits(x, 60, 8, 0x3C);
  EXPECT_EQ(GetBits(x, 60, 8), 0x3Cu);
  EXPECT_EQ(GetSignedBits(x, 60, 8), 0x3C);
  SetBits(x, 60, 8, 0xFF);
  EXPECT_EQ(GetSignedBits(x, 60, 8), -1);
}

}  // namespace
}  // namespace aorta::isa
