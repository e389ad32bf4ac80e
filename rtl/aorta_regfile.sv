// aorta_regfile: the BAR0 register map (core/spec/regs.textproto) behind an AXI4-lite slave.
//
// Every offset, field position and reset value comes from the generated aorta_regs_pkg
// (specgen); nothing of the map is written here by hand except which register is wired to which
// port. Access types: RO (read the shell's inputs or constants), RW (held here, written with
// byte strobes), W1S (CTRL: one-cycle pulses soft_reset_o / clear_counters_o), W1C (IRQ_STATUS),
// WO (DOORBELL: doorbell_o pulses on every write, whatever the value; the shell ignores it while
// busy). Reads of write-only registers return 0.
//
// Bus rules: 32-bit data; an address that is not 4-byte aligned, at or above BarBytes, or not a
// register is answered with SLVERR (reads return 0, writes change nothing). A write to a RO
// register is accepted (OKAY) and ignored. Reading a counter's LO word latches its HI word (one
// latch per counter, as the golden model), so a LO-then-HI pair is consistent; clear_counters
// also clears the latches.
//
// IRQ_STATUS: the shell's set pulses (irq_done_set_i / irq_error_set_i) win over a W1C write in
// the same cycle (the event is newer than the host's clear); a soft reset clears IRQ_STATUS and
// wins over a set pulse in the same cycle (the event belongs to the run being aborted).
// irq_o = (IRQ_STATUS & IRQ_MASK) != 0, registered.
//
// Handshakes: AW and W are taken independently (one skid register each); a write is performed
// when both are held and the B channel is free; one read in flight (R register). Throughput: a
// write every two cycles, a read every cycle while rready_i is high.
module aorta_regfile
  import aorta_regs_pkg::*;
#(
  parameter int unsigned N         = 16,
  parameter logic [63:0] ConfigFp  = 64'h0,
  parameter int unsigned AddrWidth = 12
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  // AXI4-lite slave (BAR0).
  input  logic [AddrWidth-1:0]        s_axil_awaddr_i,
  input  logic [2:0]                  s_axil_awprot_i,
  input  logic                        s_axil_awvalid_i,
  output logic                        s_axil_awready_o,
  input  logic [31:0]                 s_axil_wdata_i,
  input  logic [3:0]                  s_axil_wstrb_i,
  input  logic                        s_axil_wvalid_i,
  output logic                        s_axil_wready_o,
  output logic [1:0]                  s_axil_bresp_o,
  output logic                        s_axil_bvalid_o,
  input  logic                        s_axil_bready_i,
  input  logic [AddrWidth-1:0]        s_axil_araddr_i,
  input  logic [2:0]                  s_axil_arprot_i,
  input  logic                        s_axil_arvalid_i,
  output logic                        s_axil_arready_o,
  output logic [31:0]                 s_axil_rdata_o,
  output logic [1:0]                  s_axil_rresp_o,
  output logic                        s_axil_rvalid_o,
  input  logic                        s_axil_rready_i,

  // Register values and pulses towards the shell.
  output logic [31:0]                 chip_index_o,
  output logic [31:0]                 link_timeout_o,    // LINK_TIMEOUT (link watchdogs)
  output logic                        soft_reset_o,      // CTRL.soft_reset written 1 (pulse)
  output logic                        clear_counters_o,  // CTRL.clear_counters written 1 (pulse)
  output logic                        doorbell_o,        // DOORBELL written (pulse)
  output logic [63:0]                 iq_base_o,
  output logic [31:0]                 iq_len_o,
  output logic [SlotCount*64-1:0]     slot_base_o,       // slot i at [64i +: 64]
  output logic [SlotCount*64-1:0]     slot_size_o,       // slot i at [64i +: 64]

  // What the hardware sets.
  input  logic                        status_busy_i,
  input  logic                        status_done_i,
  input  logic                        status_error_i,
  input  logic [7:0]                  err_code_i,
  input  logic [31:0]                 err_pc_i,
  input  logic [63:0]                 err_addr_i,
  input  logic                        irq_done_set_i,    // pulse: a run reached HALT
  input  logic                        irq_error_set_i,   // pulse: a run stopped on an error
  input  logic [NumCounters*64-1:0]   counters_i,        // counter i at [64i +: 64]

  output logic                        irq_o
);
  import aorta_axi_pkg::*;

  localparam int unsigned SlotIdxW = $clog2(SlotCount);
  localparam int unsigned CtrIdxW  = $clog2(NumCounters);
  localparam logic [31:0] IrqBits  = IrqStatusDoneMask | IrqStatusErrorMask;
  localparam logic [31:0] VersionValue =
      (32'(RegmapVersion) << VersionRegmapLsb) |
      (32'(aorta_isa_pkg::IsaVersionMajor) << VersionIsaMajorLsb) |
      (32'(aorta_isa_pkg::IsaVersionMinor) << VersionIsaMinorLsb);
  localparam logic [31:0] GeometryValue =
      (32'(N) << GeometryRowsLsb) | (32'(N) << GeometryColsLsb);

  // ---- Address decode -------------------------------------------------------------------

  typedef enum logic [4:0] {
    RegNone, RegId, RegVersion, RegFpLo, RegFpHi, RegGeometry, RegChipIndex, RegLinkTimeout,
    RegCtrl, RegStatus,
    RegDoorbell, RegIqBaseLo, RegIqBaseHi, RegIqLen, RegIrqStatus, RegIrqMask, RegErrCode,
    RegErrPc, RegErrAddrLo, RegErrAddrHi, RegSlot, RegCounter
  } reg_e;

  typedef struct packed {
    reg_e                reg_sel;
    logic [SlotIdxW-1:0] slot;     // RegSlot: slot index
    logic [1:0]          word;     // RegSlot: 0 base LO, 1 base HI, 2 size LO, 3 size HI;
                                   // RegCounter: bit 0 = HI
    logic [CtrIdxW-1:0]  counter;  // RegCounter: counter index
  } decoded_t;

  localparam logic [11:0] SlotEnd    = SlotBaseLoOffset + 12'(SlotBaseLoStride * SlotCount);
  localparam logic [11:0] CounterEnd = CounterBase + 12'(8 * NumCounters);

  // (Assigns its name rather than `return`, which Yosys 0.23 does not read.)
  function automatic decoded_t decode(logic [AddrWidth-1:0] addr);
    decoded_t d;
    logic [11:0] off;
    logic [11:0] rel;
    d = '{reg_sel: RegNone, slot: '0, word: '0, counter: '0};
    off = addr[11:0];
    rel = '0;
    if ((AddrWidth > 12 && (addr >> 12) != '0) || off[1:0] != 2'b00) begin
      d.reg_sel = RegNone;
    end else if (off >= SlotBaseLoOffset && off < SlotEnd) begin
      rel = off - SlotBaseLoOffset;
      d.reg_sel = RegSlot;
      d.slot = SlotIdxW'(rel / 12'(SlotBaseLoStride));
      unique case (rel % 12'(SlotBaseLoStride))
        SlotBaseLoOffset - SlotBaseLoOffset: d.word = 2'd0;
        SlotBaseHiOffset - SlotBaseLoOffset: d.word = 2'd1;
        SlotSizeLoOffset - SlotBaseLoOffset: d.word = 2'd2;
        SlotSizeHiOffset - SlotBaseLoOffset: d.word = 2'd3;
        default: d.reg_sel = RegNone;
      endcase
    end else if (off >= CounterBase && off < CounterEnd) begin
      rel = off - CounterBase;
      d.reg_sel = RegCounter;
      d.counter = CtrIdxW'(rel >> 3);
      d.word = {1'b0, rel[2]};
    end else begin
      unique case (off)
        IdOffset:         d.reg_sel = RegId;
        VersionOffset:    d.reg_sel = RegVersion;
        ConfigFpLoOffset: d.reg_sel = RegFpLo;
        ConfigFpHiOffset: d.reg_sel = RegFpHi;
        GeometryOffset:   d.reg_sel = RegGeometry;
        ChipIndexOffset:  d.reg_sel = RegChipIndex;
        LinkTimeoutOffset: d.reg_sel = RegLinkTimeout;
        CtrlOffset:       d.reg_sel = RegCtrl;
        StatusOffset:     d.reg_sel = RegStatus;
        DoorbellOffset:   d.reg_sel = RegDoorbell;
        IqBaseLoOffset:   d.reg_sel = RegIqBaseLo;
        IqBaseHiOffset:   d.reg_sel = RegIqBaseHi;
        IqLenOffset:      d.reg_sel = RegIqLen;
        IrqStatusOffset:  d.reg_sel = RegIrqStatus;
        IrqMaskOffset:    d.reg_sel = RegIrqMask;
        ErrCodeOffset:    d.reg_sel = RegErrCode;
        ErrPcOffset:      d.reg_sel = RegErrPc;
        ErrAddrLoOffset:  d.reg_sel = RegErrAddrLo;
        ErrAddrHiOffset:  d.reg_sel = RegErrAddrHi;
        default:          d.reg_sel = RegNone;
      endcase
    end
    decode = d;
  endfunction

  // ---- State ------------------------------------------------------------------------------

  logic [31:0]                 chip_index_q, chip_index_d;
  logic [31:0]                 link_timeout_q, link_timeout_d;
  logic [63:0]                 iq_base_q, iq_base_d;
  logic [31:0]                 iq_len_q, iq_len_d;
  logic [31:0]                 irq_status_q, irq_status_d;
  logic [31:0]                 irq_mask_q, irq_mask_d;
  // The wide registers (slots, counter latches) load only when written (clock enables; their
  // next values are formed in those cycles only: docs/rtl.md, "Simulation speed").
  logic [SlotCount*64-1:0]     slot_base_q, slot_size_q;
  logic [NumCounters*32-1:0]   hi_latch_q;
  logic                        slot_we, latch_we;
  logic                        irq_q;
  logic                        soft_reset_q, soft_reset_d;
  logic                        clear_counters_q, clear_counters_d;
  logic                        doorbell_q, doorbell_d;

  // AXI-lite skid registers.
  logic                        aw_valid_q, aw_valid_d;
  logic [AddrWidth-1:0]        aw_addr_q, aw_addr_d;
  logic                        w_valid_q, w_valid_d;
  logic [31:0]                 w_data_q, w_data_d;
  logic [3:0]                  w_strb_q, w_strb_d;
  logic                        b_valid_q, b_valid_d;
  logic [1:0]                  b_resp_q, b_resp_d;
  logic                        r_valid_q, r_valid_d;
  logic [31:0]                 r_data_q, r_data_d;
  logic [1:0]                  r_resp_q, r_resp_d;

  // ---- Write path -------------------------------------------------------------------------

  logic        do_write;
  decoded_t    wdec;
  logic [31:0] wmask;   // byte strobes as a bit mask
  logic [31:0] wval;    // wdata with unstrobed bytes zero

  assign s_axil_awready_o = !aw_valid_q;
  assign s_axil_wready_o  = !w_valid_q;
  assign do_write = aw_valid_q && w_valid_q && (!b_valid_q || s_axil_bready_i);
  assign wdec = decode(aw_addr_q);
  always_comb begin
    for (int unsigned b = 0; b < 4; b++) wmask[8*b +: 8] = {8{w_strb_q[b]}};
  end
  assign wval = w_data_q & wmask;

  // Merges a strobed write into a 32-bit word.
  function automatic logic [31:0] merge(logic [31:0] old, logic [31:0] val, logic [31:0] mask);
    merge = (old & ~mask) | (val & mask);
  endfunction

  // ---- Read path --------------------------------------------------------------------------

  logic        do_read;
  decoded_t    rdec;
  logic [31:0] rvalue;
  logic [63:0] counter_sel;

  assign s_axil_arready_o = !r_valid_q || s_axil_rready_i;
  assign do_read = s_axil_arvalid_i && s_axil_arready_o;
  assign rdec = decode(s_axil_araddr_i);
  assign counter_sel = counters_i[64*rdec.counter +: 64];

  always_comb begin
    rvalue = '0;
    unique case (rdec.reg_sel)
      RegId:        rvalue = IdValue;
      RegVersion:   rvalue = VersionValue;
      RegFpLo:      rvalue = ConfigFp[31:0];
      RegFpHi:      rvalue = ConfigFp[63:32];
      RegGeometry:  rvalue = GeometryValue;
      RegChipIndex: rvalue = chip_index_q;
      RegLinkTimeout: rvalue = link_timeout_q;
      RegStatus:    rvalue = (32'(status_busy_i) << StatusBusyLsb) |
                             (32'(status_done_i) << StatusDoneLsb) |
                             (32'(status_error_i) << StatusErrorLsb);
      RegIqBaseLo:  rvalue = iq_base_q[31:0];
      RegIqBaseHi:  rvalue = iq_base_q[63:32];
      RegIqLen:     rvalue = iq_len_q;
      RegIrqStatus: rvalue = irq_status_q;
      RegIrqMask:   rvalue = irq_mask_q;
      RegErrCode:   rvalue = 32'(err_code_i);
      RegErrPc:     rvalue = err_pc_i;
      RegErrAddrLo: rvalue = err_addr_i[31:0];
      RegErrAddrHi: rvalue = err_addr_i[63:32];
      RegSlot: begin
        unique case (rdec.word)
          2'd0: rvalue = slot_base_q[64*rdec.slot +: 32];
          2'd1: rvalue = slot_base_q[64*rdec.slot + 32 +: 32];
          2'd2: rvalue = slot_size_q[64*rdec.slot +: 32];
          default: rvalue = slot_size_q[64*rdec.slot + 32 +: 32];
        endcase
      end
      RegCounter:   rvalue = rdec.word[0] ? hi_latch_q[32*rdec.counter +: 32] : counter_sel[31:0];
      // CTRL and DOORBELL are write-only; RegNone answers SLVERR.
      default:      rvalue = '0;
    endcase
  end

  // ---- Next state -------------------------------------------------------------------------

  always_comb begin
    chip_index_d     = chip_index_q;
    link_timeout_d   = link_timeout_q;
    iq_base_d        = iq_base_q;
    iq_len_d         = iq_len_q;
    irq_status_d     = irq_status_q;
    irq_mask_d       = irq_mask_q;
    soft_reset_d     = 1'b0;
    clear_counters_d = 1'b0;
    doorbell_d       = 1'b0;

    aw_valid_d = aw_valid_q;
    aw_addr_d  = aw_addr_q;
    w_valid_d  = w_valid_q;
    w_data_d   = w_data_q;
    w_strb_d   = w_strb_q;
    b_valid_d  = b_valid_q && !s_axil_bready_i;
    b_resp_d   = b_resp_q;
    r_valid_d  = r_valid_q && !s_axil_rready_i;
    r_data_d   = r_data_q;
    r_resp_d   = r_resp_q;

    if (s_axil_awvalid_i && s_axil_awready_o) begin
      aw_valid_d = 1'b1;
      aw_addr_d  = s_axil_awaddr_i;
    end
    if (s_axil_wvalid_i && s_axil_wready_o) begin
      w_valid_d = 1'b1;
      w_data_d  = s_axil_wdata_i;
      w_strb_d  = s_axil_wstrb_i;
    end

    if (do_write) begin
      aw_valid_d = 1'b0;
      w_valid_d  = 1'b0;
      b_valid_d  = 1'b1;
      b_resp_d   = wdec.reg_sel == RegNone ? RespSlvErr : RespOkay;
      unique case (wdec.reg_sel)
        RegChipIndex: chip_index_d = merge(chip_index_q, w_data_q, wmask);
        RegLinkTimeout: link_timeout_d = merge(link_timeout_q, w_data_q, wmask);
        RegCtrl: begin
          soft_reset_d     = wval[CtrlSoftResetLsb];
          clear_counters_d = wval[CtrlClearCountersLsb];
        end
        RegDoorbell:  doorbell_d = 1'b1;
        RegIqBaseLo:  iq_base_d[31:0] = merge(iq_base_q[31:0], w_data_q, wmask);
        RegIqBaseHi:  iq_base_d[63:32] = merge(iq_base_q[63:32], w_data_q, wmask);
        RegIqLen:     iq_len_d = merge(iq_len_q, w_data_q, wmask);
        RegIrqStatus: irq_status_d = irq_status_q & ~wval;
        RegIrqMask:   irq_mask_d = merge(irq_mask_q, w_data_q, wmask) & IrqBits;
        // RegSlot: slot_we (below). RO registers and counters ignore writes; RegNone answers SLVERR.
        default: ;
      endcase
    end

    // Hardware set pulses win over the host's W1C in the same cycle; a soft reset wins over both.
    if (irq_done_set_i) irq_status_d[IrqStatusDoneLsb] = 1'b1;
    if (irq_error_set_i) irq_status_d[IrqStatusErrorLsb] = 1'b1;
    if (soft_reset_d) irq_status_d = IrqStatusReset;

    if (do_read) begin
      r_valid_d = 1'b1;
      r_data_d  = rvalue;
      r_resp_d  = rdec.reg_sel == RegNone ? RespSlvErr : RespOkay;
    end
  end

  assign slot_we  = do_write && wdec.reg_sel == RegSlot;
  assign latch_we = do_read && rdec.reg_sel == RegCounter && !rdec.word[0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      slot_base_q <= {SlotCount{SlotBaseHiReset, SlotBaseLoReset}};
      slot_size_q <= {SlotCount{SlotSizeHiReset, SlotSizeLoReset}};
    end else if (slot_we) begin
      unique case (wdec.word)
        2'd0: slot_base_q[64*wdec.slot +: 32] <=
                  merge(slot_base_q[64*wdec.slot +: 32], w_data_q, wmask);
        2'd1: slot_base_q[64*wdec.slot + 32 +: 32] <=
                  merge(slot_base_q[64*wdec.slot + 32 +: 32], w_data_q, wmask);
        2'd2: slot_size_q[64*wdec.slot +: 32] <=
                  merge(slot_size_q[64*wdec.slot +: 32], w_data_q, wmask);
        default: slot_size_q[64*wdec.slot + 32 +: 32] <=
                  merge(slot_size_q[64*wdec.slot + 32 +: 32], w_data_q, wmask);
      endcase
    end
  end

  // A read of a counter's low word latches its high word; clear_counters zeroes the latches too
  // (the counters read zero from the next cycle on).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) hi_latch_q <= '0;
    else if (clear_counters_d) hi_latch_q <= '0;
    else if (latch_we) hi_latch_q[32*rdec.counter +: 32] <= counter_sel[63:32];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      chip_index_q     <= ChipIndexReset;
      link_timeout_q   <= LinkTimeoutReset;
      iq_base_q        <= {IqBaseHiReset, IqBaseLoReset};
      iq_len_q         <= IqLenReset;
      irq_status_q     <= IrqStatusReset;
      irq_mask_q       <= IrqMaskReset;
      irq_q            <= 1'b0;
      soft_reset_q     <= 1'b0;
      clear_counters_q <= 1'b0;
      doorbell_q       <= 1'b0;
      aw_valid_q       <= 1'b0;
      aw_addr_q        <= '0;
      w_valid_q        <= 1'b0;
      w_data_q         <= '0;
      w_strb_q         <= '0;
      b_valid_q        <= 1'b0;
      b_resp_q         <= RespOkay;
      r_valid_q        <= 1'b0;
      r_data_q         <= '0;
      r_resp_q         <= RespOkay;
    end else begin
      chip_index_q     <= chip_index_d;
      link_timeout_q   <= link_timeout_d;
      iq_base_q        <= iq_base_d;
      iq_len_q         <= iq_len_d;
      irq_status_q     <= irq_status_d;
      irq_mask_q       <= irq_mask_d;
      irq_q            <= (irq_status_d & irq_mask_d) != '0;
      soft_reset_q     <= soft_reset_d;
      clear_counters_q <= clear_counters_d;
      doorbell_q       <= doorbell_d;
      aw_valid_q       <= aw_valid_d;
      aw_addr_q        <= aw_addr_d;
      w_valid_q        <= w_valid_d;
      w_data_q         <= w_data_d;
      w_strb_q         <= w_strb_d;
      b_valid_q        <= b_valid_d;
      b_resp_q         <= b_resp_d;
      r_valid_q        <= r_valid_d;
      r_data_q         <= r_data_d;
      r_resp_q         <= r_resp_d;
    end
  end

  assign s_axil_bvalid_o  = b_valid_q;
  assign s_axil_bresp_o   = b_resp_q;
  assign s_axil_rvalid_o  = r_valid_q;
  assign s_axil_rdata_o   = r_data_q;
  assign s_axil_rresp_o   = r_resp_q;

  assign chip_index_o     = chip_index_q;
  assign link_timeout_o   = link_timeout_q;
  assign soft_reset_o     = soft_reset_q;
  assign clear_counters_o = clear_counters_q;
  assign doorbell_o       = doorbell_q;
  assign iq_base_o        = iq_base_q;
  assign iq_len_o         = iq_len_q;
  assign slot_base_o      = slot_base_q;
  assign slot_size_o      = slot_size_q;
  assign irq_o            = irq_q;

  // AxPROT carries no meaning for this slave (every access is allowed); the write decode never
  // looks at the counter index (counters are read-only).
  logic unused_prot;
  assign unused_prot = ^{s_axil_awprot_i, s_axil_arprot_i, wdec.counter};

`ifndef SYNTHESIS
  initial begin
    if (AddrWidth < 12) $fatal(1, "aorta_regfile: AddrWidth must cover the 4 KiB BAR (>= 12)");
  end
  // The master holds each offer until it is taken (AXI: valid must not drop before ready).
  AwValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_awvalid_i && !s_axil_awready_o |=> s_axil_awvalid_i && $stable(s_axil_awaddr_i));
  WValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_wvalid_i && !s_axil_wready_o |=> s_axil_wvalid_i && $stable(s_axil_wdata_i)
      && $stable(s_axil_wstrb_i));
  ArValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_arvalid_i && !s_axil_arready_o |=> s_axil_arvalid_i && $stable(s_axil_araddr_i));
  // This slave holds its responses until taken.
  BValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_bvalid_o && !s_axil_bready_i |=> s_axil_bvalid_o && $stable(s_axil_bresp_o));
  RValidHeld: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_rvalid_o && !s_axil_rready_i |=> s_axil_rvalid_o && $stable(s_axil_rdata_o)
      && $stable(s_axil_rresp_o));
  // The skid registers never overflow: a new offer is taken only into an empty register.
  AwNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_awvalid_i && s_axil_awready_o |-> !aw_valid_q);
  WNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      s_axil_wvalid_i && s_axil_wready_o |-> !w_valid_q);
`endif

endmodule
