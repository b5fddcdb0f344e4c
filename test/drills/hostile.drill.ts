// Hostile input drills: each part is registered by its module under test/drills/hostile/.
import { regexDrill } from "./hostile/regex.js";

regexDrill();
