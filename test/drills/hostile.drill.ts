// Hostile input drills against the built binary; each part lives in test/drills/hostile/.
import { secretsDrill } from "./hostile/secrets.js";

secretsDrill();
