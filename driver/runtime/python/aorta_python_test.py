"""Tests of the Python module `aorta` (driver/runtime/python), run by ctest as
`python3 -m unittest aorta_python_test` with PYTHONPATH=build/python, AORTA_BUILD_DIR=build.

The program is the bundled demo_cnn (build/models); the reference for each backend is the C++
path: `aorta run --backend B --output X.npy --report R.json` on the same input.
"""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

import aorta

BUILD = os.environ.get("AORTA_BUILD_DIR", "build")
PROGRAM = os.path.join(BUILD, "models", "demo_cnn.aprog")
INPUT = os.path.join(BUILD, "models", "demo_cnn_input.npy")
EXPECTED = os.path.join(BUILD, "models", "demo_cnn_expected.npy")
CLI = os.path.join(BUILD, "bin", "aorta")


def run_cli(backend, tmp):
    """The C++ result: outputs and report of `aorta run` on the same program and input."""
    out = os.path.join(tmp, backend + ".npy")
    rep = os.path.join(tmp, backend + ".json")
    subprocess.run([CLI, "run", PROGRAM, "--backend", backend, "--input", INPUT,
                    "--output", out, "--report", rep],
                   check=True, stdout=subprocess.DEVNULL)
    with open(rep) as f:
        return np.load(out), json.load(f)


class InferenceSessionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x = np.load(INPUT)
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_inputs_and_outputs(self):
        sess = aorta.InferenceSession(PROGRAM, backend="golden")
        ins, outs = sess.get_inputs(), sess.get_outputs()
        self.assertEqual(len(ins), 1)
        self.assertEqual(list(ins[0].shape), list(self.x.shape))
        self.assertEqual(ins[0].type, "tensor(float)")
        self.assertEqual(len(outs), 1)
        self.assertEqual(list(outs[0].shape), list(np.load(EXPECTED).shape))
        self.assertIsNone(sess.report())

    def check_backend(self, backend):
        sess = aorta.InferenceSession(PROGRAM, backend=backend)
        name = sess.get_inputs()[0].name
        out = sess.run(None, {name: self.x})
        self.assertEqual(len(out), 1)
        self.assertEqual(out[0].dtype, np.float32)
        want, want_report = run_cli(backend, self.tmp.name)
        np.testing.assert_array_equal(out[0], want)  # bit-exact with the C++ path
        # Within the int8 error of the float model's output (5 % of its range).
        ref = np.load(EXPECTED)
        self.assertLess(np.abs(out[0] - ref).max(), 0.05 * (ref.max() - ref.min()))
        r = sess.report()
        for key in ("backend", "cycles", "macs", "mac_utilization", "latency_us", "wall_s",
                    "layers"):
            self.assertIn(key, r)
        self.assertEqual(r["backend"], want_report["backend"])
        self.assertEqual(r["cycles"], want_report["cycles"])
        self.assertEqual(r["macs"], want_report["macs"])
        self.assertEqual([l["name"] for l in r["layers"]],
                         [l["name"] for l in want_report["layers"]])
        # Named outputs, and an integer array converted to float32.
        out2 = sess.run([sess.get_outputs()[0].name], {name: self.x.astype(np.float64)})
        np.testing.assert_array_equal(out2[0], out[0])
        return out[0], r

    def test_golden(self):
        _, r = self.check_backend("golden")
        self.assertEqual(r["cycles"], 0)  # the golden model counts no cycles

    def test_rtl(self):
        out, r = self.check_backend("rtl")
        self.assertGreater(r["cycles"], 0)
        self.assertGreater(r["mac_utilization"], 0)
        self.assertTrue(all(l["cycles"] > 0 for l in r["layers"]))
        golden = aorta.InferenceSession(PROGRAM, backend="golden")
        want = golden.run(None, {golden.get_inputs()[0].name: self.x})[0]
        np.testing.assert_array_equal(out, want)

    def test_device_uri(self):
        sess = aorta.InferenceSession(PROGRAM, device="pcie+emu://golden")
        self.assertEqual(sess.device, "pcie+emu://golden")
        out = sess.run(None, {sess.get_inputs()[0].name: self.x})[0]
        want, _ = run_cli("golden", self.tmp.name)
        np.testing.assert_array_equal(out, want)

    def test_errors_are_exceptions_with_the_runtimes_message(self):
        with self.assertRaisesRegex(aorta.Error, "no-such.aprog"):
            aorta.InferenceSession("no-such.aprog")
        with self.assertRaisesRegex(aorta.Error, "nosuch"):
            aorta.InferenceSession(PROGRAM, device="nosuch://")
        self.assertTrue(issubclass(aorta.Error, RuntimeError))
        sess = aorta.InferenceSession(PROGRAM, backend="golden")
        name = sess.get_inputs()[0].name
        with self.assertRaisesRegex(aorta.Error, "no input named 'bogus'"):
            sess.run(None, {"bogus": self.x})
        with self.assertRaisesRegex(aorta.Error, "has shape 1x2, the model expects"):
            sess.run(None, {name: np.zeros((1, 2), np.float32)})
        with self.assertRaisesRegex(aorta.Error, "no value given for input"):
            sess.run(None, {})
        with self.assertRaisesRegex(aorta.Error, "no output named 'nope'"):
            sess.run(["nope"], {name: self.x})
        # The session still works after the errors.
        out = sess.run(None, {name: self.x})[0]
        self.assertEqual(out.shape, np.load(EXPECTED).shape)


if __name__ == "__main__":
    unittest.main()
