/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* peer-index.h - RUNDIR/.peers/PEER/OWNER: which running namespaces have links to which */
#pragma once

/*
 * A link between namespaces is in the configuration of one of the two, its owner; the other
 * (PeerNamespace=) must learn of it when it comes up after the owner. The owner's "up" makes
 * an empty file RUNDIR/.peers/PEER/OWNER for each PeerNamespace= it has (after a "peer PEER"
 * line in its record, so "down" and the undo after a crash remove it); the peer's "up" reads
 * its own directory only, instead of every configuration there is. An entry only names a
 * candidate: the owner's record (complete, its namespace pinned) and its configuration in
 * force decide what is linked. All under netnsctl's lock.
 */

/**
 * peer_index_add() - note that namespace @owner, coming up, has links to @peer
 * Return: 0 (also when the entry was there), -errno; -EPERM when a directory on the way is
 * not a directory of root's that only root can write to
 */
int peer_index_add(const char *peer, const char *owner);

/**
 * peer_index_remove() - remove the entry @owner in @peer's directory, and the directories
 * left empty
 * Return: 0 (also when it was not there), -errno
 */
int peer_index_remove(const char *peer, const char *owner);

/**
 * peer_index_owners() - the namespaces that noted links to @peer, sorted
 * @peer: namespace name
 * @ret: a strv (empty when none); names that are no valid namespace names are skipped
 * Return: 0, -EPERM (an unsafe directory, not read), -errno
 */
int peer_index_owners(const char *peer, char ***ret);

/**
 * peer_index_peers() - every PEER directory of the index, sorted (for gc)
 * Return: 0, -EPERM, -errno
 */
int peer_index_peers(char ***ret);
