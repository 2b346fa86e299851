#!/usr/bin/env python3
"""Checks of compare_partitions.py on hand-made tables (standard library only).

Run: python3 tests/peer/test_compare_partitions.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_partitions.py")


class ComparePartitions(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_cmp(self, *args):
        p = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def test_same_partition_other_labels_and_order(self):
        a = self.write("a.csv", "unit_id,group\n1,1\n2,1\n3,2\n4,2\n5,3\n")
        b = self.write("b.csv", "unit_id,proposal\n5,x\n4,y\n3,y\n2,z\n1,z\n")
        rc, out = self.run_cmp(a, b, "--group-b", "proposal")
        self.assertEqual(rc, 0, out)
        self.assertIn("same partition: 5 units in 3 groups", out)

    def test_moved_unit_is_reported(self):
        a = self.write("a.csv", "unit_id,group\n1,1\n2,1\n3,2\n4,2\n5,3\n")
        b = self.write("b.csv", "unit_id,proposal\n1,z\n2,z\n3,z\n4,y\n5,x\n")
        rc, out = self.run_cmp(a, b, "--group-b", "proposal")
        self.assertEqual(rc, 1, out)
        self.assertIn("1 differing unit(s) (after matching groups by overlap): 3", out)

    def test_merged_groups(self):
        a = self.write("a.csv", "unit_id,group\n1,1\n2,1\n3,2\n4,3\n")
        b = self.write("b.csv", "unit_id,group\n1,1\n2,1\n3,2\n4,2\n")
        rc, out = self.run_cmp(a, b)
        self.assertEqual(rc, 1, out)
        self.assertIn("differing unit(s) (after matching groups by overlap): 4", out)

    def test_units_in_one_file_only(self):
        a = self.write("a.csv", "unit_id,group\n1,1\n2,1\n3,2\n")
        b = self.write("b.csv", "unit_id,group\n1,1\n2,1\n4,2\n")
        rc, out = self.run_cmp(a, b)
        self.assertEqual(rc, 1, out)
        self.assertIn("1 unit(s) only in A: 3", out)
        self.assertIn("1 unit(s) only in B: 4", out)

    def test_other_id_column_and_spaces(self):
        a = self.write("a.csv", "code, g\n 10 ,a\n20,a\n30,b\n")
        b = self.write("b.csv", "unit_id,group\n10,7\n20,7\n30,8\n")
        rc, out = self.run_cmp(a, b, "--id", "code", "--id-b", "unit_id", "--group-a", "g")
        self.assertEqual(rc, 0, out)

    def test_bad_input(self):
        a = self.write("a.csv", "unit_id,group\n1,1\n")
        dup = self.write("dup.csv", "unit_id,group\n1,1\n1,2\n")
        nocol = self.write("nocol.csv", "unit_id,proposal\n1,1\n")
        self.assertEqual(self.run_cmp(a, dup)[0], 2)
        rc, out = self.run_cmp(a, nocol)
        self.assertEqual(rc, 2)
        self.assertIn("no column 'group'", out)
        self.assertEqual(self.run_cmp(a, os.path.join(self.dir.name, "missing.csv"))[0], 2)


if __name__ == "__main__":
    unittest.main()
