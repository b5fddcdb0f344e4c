// Hostile input drills: each part lives in test/drills/hostile/ and registers its own describe block.
import { templatesDrill } from "./hostile/templates.js";

templatesDrill();
