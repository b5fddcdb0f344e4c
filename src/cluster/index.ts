// Scaling out (README "Scaling out"): static membership, placement of groups on members, and the merged
// view of the whole cluster for the API and the UI.
export { type Assignment, assign, type MemberLoad, memberLoads, ownershipChange, ownersOf } from "./assign.js";
export { type Cluster, type ClusterOptions, type ClusterPlan, createCluster, type PlacedGroup } from "./cluster.js";
export {
  isClustered,
  MAX_MEMBERS,
  type Membership,
  type MembershipFlags,
  memberURL,
  parseMemberNum,
  parseMembership,
} from "./membership.js";
export { createPeerClient, PEER_CACHE_MS, type PeerClient, type PeerClientOptions, type PeerResult } from "./peers.js";
export { rendezvousOwners } from "./rendezvous.js";
export { type AssignmentJSON, assignmentJSON, assignmentLines } from "./report.js";
export {
  type GroupRef,
  groupKey,
  linkedGroupUnits,
  type PlacementUnit,
  type PlacementUnitsFn,
  singleGroupUnits,
} from "./units.js";
export { type ClusterViewOptions, createClusterView } from "./view.js";
