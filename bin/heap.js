// Evaluated before the rest of tsalert loads (imports run in order): see src/cli/heap.ts.
import { tuneHeap } from "../dist/cli/heap.js";

tuneHeap();
