// Hostile input drills: each part is its own module under ./hostile/.
import { slowClientsDrill } from "./hostile/slowclients.js";

slowClientsDrill();
