// Hostile input drills against the built binary: regular expressions, template budgets, secrets and
// slow or oversized HTTP clients. Each part lives in test/drills/hostile/.
import { regexDrill } from "./hostile/regex.js";
import { secretsDrill } from "./hostile/secrets.js";
import { slowClientsDrill } from "./hostile/slowclients.js";
import { templatesDrill } from "./hostile/templates.js";

regexDrill();
templatesDrill();
secretsDrill();
slowClientsDrill();
