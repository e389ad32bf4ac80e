// One lane (one channel) of the vector unit's datapath: stages D, E and F of the pipeline of
// aorta_vector_unit (see docs/rtl.md, "Vector unit"). The unit instantiates N of these side by
// side; everything that is per instruction (opcode, record, options) is shared, everything that
// is per channel (memory lanes, POSTPROC bias / multiplier / shift) comes in per lane.
//
//   stage D: the memory read data of the token is on the inputs (a_i: UB lane, w_i: WB lane,
//            old_i: ACC lane). POSTPROC: v = sat32(acc + bias), leaky scaling.
//            VEC_ELTWISE: t of rule R5. POOL / DWCONV: accumulate one tap; at the pixel's last
//            tap the pixel's value moves on. RESIZE: the byte moves on.
//   stage E: POSTPROC: Requantize (64-bit product, RoundShift by 31 + s), clamp to [lo, hi].
//            VEC_ELTWISE: zo + RoundShift(t, S), clamp. POOL AVG: w = floor(RoundDivPow's
//            numerator / 2^(S+1)) (the power-of-two half of the division).
//   stage F: POOL AVG: floor(w / n) by a 9-bit restoring division (exact: see pool_quot), zo,
//            clamp. Other operations pass the value on.
// o_o is the F register: the unit writes it to memory in stage W (POSTPROC's LUT is applied
// there, in the unit). The arithmetic is that of core/intmath.h, rules R1 - R6.
//
// Each stage computes only when its enable is high (the enables are the unit's token valid
// bits): the registers hold otherwise, and Verilator skips the stage's arithmetic.
module aorta_vec_lane
  import aorta_isa_pkg::*;
(
  input  logic        clk_i,
  // Per instruction.
  input  opcode_e     op_i,
  input  elt_op_e     elt_op_i,
  input  logic        pool_avg_i,    // POOL AVG / AVG_PAD (else MAX)
  input  logic        a_held_i,      // VEC_ELTWISE UB_ROWS: operand a is the captured a_q
  input  logic [255:0] rec_i,        // op record, PARAM lanes 0..7 (VEC_ELTWISE, POOL)
  input  logic [7:0]  zp_i,          // POSTPROC out_zp, lo, hi (int8)
  input  logic [7:0]  lo_i,
  input  logic [7:0]  hi_i,
  input  logic        leaky_i,
  input  logic [15:0] alpha_mult_i,
  input  logic [4:0]  alpha_shift_i,
  input  logic [7:0]  pad_i,         // DWCONV pad_value
  input  logic        accumulate_i,  // DWCONV accumulate
  // Per lane: POSTPROC's PARAM rows.
  input  logic [31:0] bias_i,
  input  logic [31:0] mult_i,
  input  logic [31:0] shift_i,
  // Stage D.
  input  logic        d_en_i,
  input  logic        d_first_i,     // first tap of an output pixel
  input  logic        d_lastt_i,     // last tap of an output pixel / a whole row
  input  logic        d_img_i,       // the tap is inside the image (a_i is valid)
  input  logic        d_capa_i,      // VEC_ELTWISE UB_ROWS: capture operand a
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  input  logic [7:0]  w_i,
  input  logic [31:0] old_i,
  // Stages E and F (POOL: the tap count n of the pixel in the stage).
  input  logic        e_en_i,
  input  logic [16:0] e_n_i,
  input  logic        f_en_i,
  input  logic [16:0] f_n_i,
  output logic [31:0] o_o
);
  // ---- Integer rules (core/intmath.h) ------------------------------------------------------

  // R1: x / 2^n rounded half up; n = 0 returns x.
  function automatic logic signed [63:0] round_shift(logic signed [63:0] x, logic [5:0] n);
    logic signed [63:0] half;
    if (n == 6'd0) return x;
    half = 64'sd1 <<< (n - 6'd1);
    return (x + half) >>> n;
  endfunction

  function automatic logic signed [31:0] sat32(logic signed [63:0] x);
    if (x > 64'sd2147483647) return 32'sh7fffffff;
    if (x < -64'sd2147483648) return 32'sh80000000;
    return x[31:0];
  endfunction

  // min(max(x, lo), hi), in that order (lo > hi gives hi).
  function automatic logic signed [63:0] clamp(logic signed [63:0] x, logic signed [63:0] lo,
                                               logic signed [63:0] hi);
    logic signed [63:0] t;
    t = (x < lo) ? lo : x;
    return (t > hi) ? hi : t;
  endfunction

  // The clamp bounds of R5 / R6: [max(lo, -128), min(hi, 127)] of int32 record values.
  function automatic logic signed [63:0] rec_lo(logic signed [31:0] lo);
    return (lo < -32'sd128) ? -64'sd128 : 64'(lo);
  endfunction
  function automatic logic signed [63:0] rec_hi(logic signed [31:0] hi);
    return (hi > 32'sd127) ? 64'sd127 : 64'(hi);
  endfunction

  // R6's division floor(w / n) for n >= 1, saturated to [-256, 255]: zo + q is clamped into
  // int8 afterwards (zo in -128..127), so a quotient beyond that range gives the same result as
  // the saturated one. Inside it, w + 256n lies in [0, 512n) and its quotient by n has 9 bits:
  // a restoring division of 9 compare / subtract steps (n < 2^17, so 27-bit remainders).
  function automatic logic signed [9:0] pool_quot(logic signed [63:0] w, logic [16:0] n);
    logic signed [63:0] lim;
    logic [26:0] rem;
    logic [8:0] q;
    lim = 64'(n) <<< 8;
    if (w >= lim) return 10'sd255;
    if (w < -lim) return -10'sd256;
    rem = 27'(w + lim);
    q = '0;
    for (int i = 8; i >= 0; i--) begin
      if (rem >= (27'(n) << i)) begin
        rem = rem - (27'(n) << i);
        q[i] = 1'b1;
      end
    end
    return signed'({1'b0, q}) - 10'sd256;
  endfunction

  // ---- Record fields -----------------------------------------------------------------------
  logic signed [31:0] rec [8];
  always_comb begin
    for (int i = 0; i < 8; i++) rec[i] = rec_i[32*i +: 32];
  end
  // VEC_ELTWISE: ma, mb, S, za, zb, zo, lo, hi. POOL: m, S, zi, zo, lo, hi.

  logic signed [7:0] a_s, b_s, w_s, pad_s;
  assign a_s = a_i;
  assign b_s = b_i;
  assign w_s = w_i;
  assign pad_s = pad_i;

  // ---- Stage D -----------------------------------------------------------------------------
  logic signed [31:0] acc_q, acc_d;  // POOL sum / max, DWCONV sum of the pixel so far
  logic signed [63:0] e_q, e_d;
  logic [7:0] a_q, a_d;              // VEC_ELTWISE UB_ROWS: operand a, read a cycle earlier

  always_comb begin
    logic signed [63:0] v, da, db, ta, tb;
    logic signed [31:0] sum, tap, mx, tot;
    logic signed [7:0] opa;
    acc_d = acc_q;
    e_d = e_q;
    a_d = a_q;
    if (d_en_i) begin
      unique case (op_i)
        OpPostproc: begin
          // v = sat32(acc + bias); leaky: v = sat32(RoundShift(v * alpha_mult, alpha_shift)).
          v = 64'(sat32(64'(signed'(old_i)) + 64'(signed'(bias_i))));
          if (leaky_i && v < 0) begin
            v = 64'(sat32(round_shift(v * 64'(signed'(alpha_mult_i)), 6'(alpha_shift_i))));
          end
          e_d = v;
        end
        OpVecEltwise: begin
          if (d_capa_i) begin
            a_d = a_i;
          end else begin
            opa = a_held_i ? signed'(a_q) : a_s;
            da = 64'(opa) - 64'(rec[3]);
            db = 64'(b_s) - 64'(rec[4]);
            unique case (elt_op_i)
              EltOpAdd: e_d = da * 64'(rec[0]) + db * 64'(rec[1]);
              EltOpMul: e_d = da * db * 64'(rec[0]);
              EltOpMax: begin
                ta = da * 64'(rec[0]);
                tb = db * 64'(rec[1]);
                e_d = (ta > tb) ? ta : tb;
              end
              EltOpMin: begin
                ta = da * 64'(rec[0]);
                tb = db * 64'(rec[1]);
                e_d = (ta < tb) ? ta : tb;
              end
              default: e_d = '0;
            endcase
          end
        end
        OpPool: begin
          if (pool_avg_i) begin
            // sum of (x - zi) over the in-image taps (|sum| < 2^24).
            tap = d_img_i ? 32'(a_s) - rec[2] : 32'sd0;
            sum = (d_first_i ? 32'sd0 : acc_q) + tap;
            acc_d = sum;
          end else begin
            mx = d_first_i ? -32'sd128 : acc_q;
            if (d_img_i && 32'(a_s) > mx) mx = 32'(a_s);
            acc_d = mx;
          end
          if (d_lastt_i) e_d = 64'(acc_d);
        end
        OpDwconv: begin
          // p += a * w per tap (padding taps read pad_value); exact in 32 bits.
          opa = d_img_i ? a_s : pad_s;
          sum = (d_first_i ? 32'sd0 : acc_q) + 32'(opa) * 32'(w_s);
          acc_d = sum;
          // ACC row: accumulate wraps modulo 2^32.
          tot = accumulate_i ? sum + signed'(old_i) : sum;
          if (d_lastt_i) e_d = 64'(tot);
        end
        OpResize: e_d = 64'(a_s);
        default: ;
      endcase
    end
  end

  // ---- Stage E -----------------------------------------------------------------------------
  logic signed [63:0] f_q, f_d;
  always_comb begin
    logic signed [63:0] t, q;
    logic [5:0] s;
    f_d = f_q;
    if (e_en_i) begin
      unique case (op_i)
        OpPostproc: begin
          // R3: zp + RoundShift(v * m, 31 + s), then clamp to [lo, hi] (int8 bounds).
          s = 6'(32'sd31 + signed'(shift_i));
          t = 64'(signed'(e_q[31:0])) * 64'(signed'(mult_i));
          q = 64'(signed'(zp_i)) + round_shift(t, s);
          f_d = clamp(q, 64'(signed'(lo_i)), 64'(signed'(hi_i)));
        end
        OpVecEltwise: begin
          // R5: zo + RoundShift(t, S), clamped to [max(lo, -128), min(hi, 127)].
          q = 64'(rec[5]) + round_shift(e_q, 6'(rec[2]));
          f_d = clamp(q, rec_lo(rec[6]), rec_hi(rec[7]));
        end
        OpPool: begin
          if (pool_avg_i) begin
            // R2: RoundDivPow(t, n, S) = floor((2t + n 2^S) / (2 n 2^S))
            //                          = floor(floor((2t + n 2^S) / 2^(S+1)) / n).
            s = 6'(rec[1]);
            t = 64'(signed'(e_q[31:0])) * 64'(rec[0]);
            f_d = (2 * t + (signed'(64'(e_n_i)) <<< s)) >>> (s + 6'd1);
          end else begin
            f_d = e_q;
          end
        end
        default: f_d = e_q;
      endcase
    end
  end

  // ---- Stage F -----------------------------------------------------------------------------
  logic [31:0] o_q, o_d;
  always_comb begin
    logic signed [63:0] q;
    q = '0;
    o_d = o_q;
    if (f_en_i) begin
      if (op_i == OpPool && pool_avg_i) begin
        // R6: zo + RoundDivPow(sum * m, n, S), clamped; no tap (n = 0): zo, clamped.
        q = 64'(rec[3]);
        if (f_n_i != '0) q = q + 64'(pool_quot(f_q, f_n_i));
        o_d = 32'(clamp(q, rec_lo(rec[4]), rec_hi(rec[5])));
      end else begin
        o_d = f_q[31:0];
      end
    end
  end
  assign o_o = o_q;

  // Datapath registers: no reset (the unit's token valid bits say when they hold data); each
  // stage loads only when a token is in it (a clock enable, and nothing for a simulator to do in
  // the cycles without one).
  always_ff @(posedge clk_i) begin
    if (d_en_i) begin
      acc_q <= acc_d;
      e_q <= e_d;
      a_q <= a_d;
    end
    if (e_en_i) f_q <= f_d;
    if (f_en_i) o_q <= o_d;
  end
endmodule
