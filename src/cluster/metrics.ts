// The vmalert_cluster_* family: membership, what this member runs, ownership changes and peer requests.
// /metrics stays per member; these say what the member's share of the cluster is.
import { counter, gauge } from "../metrics.js";

export const membersCount = gauge("vmalert_cluster_members_count", "Members of the cluster (-cluster.membersCount)");
export const memberNum = gauge("vmalert_cluster_member_num", "This member's number (-cluster.memberNum)");
export const replicationFactor = gauge(
  "vmalert_cluster_replication_factor",
  "Members that run each group (-cluster.replicationFactor)",
);
export const groupsTotal = gauge("vmalert_cluster_groups", "Groups in the rule files, run by some member");
export const ownedGroups = gauge("vmalert_cluster_owned_groups", "Groups this member runs");
export const ownedRules = gauge("vmalert_cluster_owned_rules", "Rules of the groups this member runs");
export const groupsGained = counter(
  "vmalert_cluster_groups_gained_total",
  "Groups that moved to this member on a reload (their alerts were restored)",
);
export const groupsLost = counter(
  "vmalert_cluster_groups_lost_total",
  "Groups that moved from this member to another on a reload (handed off, nothing resolved)",
);
const PEER = ["member"];
export const peerRequests = counter(
  "vmalert_cluster_peer_requests_total",
  "Requests to other members for the merged API and UI",
  PEER,
);
export const peerErrors = counter(
  "vmalert_cluster_peer_errors_total",
  "Requests to other members that failed (unreachable, timed out, bad answer)",
  PEER,
);
export const peerUp = gauge(
  "vmalert_cluster_peer_up",
  "Whether the last request to the member succeeded (1) or not",
  PEER,
);
