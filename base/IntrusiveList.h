/*
 * base/IntrusiveList.h: a doubly linked list whose links live inside the elements, so
 * adding and removing never allocate (the scheduler's run queue, a pager's dirty list).
 *
 *     struct Thread { IntrusiveListNode m_run_queue_node; ... };
 *     IntrusiveList<Thread, &Thread::m_run_queue_node> run_queue;
 *     run_queue.append(thread);
 *
 * The list does not own its elements. A node is in at most one list at a time; a node
 * that is destroyed while linked removes itself. Iteration tolerates removing the
 * current element.
 */
#pragma once

#include <base/Assertions.h>
#include <base/StdLibExtras.h>
#include <base/Types.h>

namespace Base {

class IntrusiveListNode {
public:
    IntrusiveListNode() = default;
    IntrusiveListNode(IntrusiveListNode const&) = delete;
    IntrusiveListNode& operator=(IntrusiveListNode const&) = delete;
    ~IntrusiveListNode() { remove(); }

    [[nodiscard]] bool is_in_list() const { return m_next != nullptr; }

    // Unlinks this node from whatever list holds it; harmless when it is in none.
    void remove()
    {
        if (!m_next)
            return;
        m_previous->m_next = m_next;
        m_next->m_previous = m_previous;
        m_previous = nullptr;
        m_next = nullptr;
    }

private:
    template<typename T, IntrusiveListNode T::*member> friend class IntrusiveList;

    // Links this unlinked node in right after `position`.
    void insert_after(IntrusiveListNode& position)
    {
        VERIFY(!is_in_list());
        m_previous = &position;
        m_next = position.m_next;
        position.m_next->m_previous = this;
        position.m_next = this;
    }

    IntrusiveListNode* m_previous {nullptr};
    IntrusiveListNode* m_next {nullptr};
};

template<typename T, IntrusiveListNode T::*member> class IntrusiveList {
public:
    template<typename ElementType> class IteratorBase {
    public:
        ElementType& operator*() const { return *m_list->element_of(m_node); }
        ElementType* operator->() const { return m_list->element_of(m_node); }
        // The next node was read before the current element was handed out, so the loop
        // body may remove (or even destroy) the current element.
        IteratorBase& operator++()
        {
            m_node = m_next;
            m_next = m_node->m_next;
            return *this;
        }
        bool operator==(IteratorBase const& other) const { return m_node == other.m_node; }

    private:
        friend class IntrusiveList;
        IteratorBase(IntrusiveList const* list, IntrusiveListNode* node)
            : m_list(list)
            , m_node(node)
            , m_next(node->m_next)
        { }
        IntrusiveList const* m_list;
        IntrusiveListNode* m_node;
        IntrusiveListNode* m_next;
    };
    using Iterator = IteratorBase<T>;

    IntrusiveList()
    {
        m_head.m_previous = &m_head;
        m_head.m_next = &m_head;
    }
    IntrusiveList(IntrusiveList const&) = delete;
    IntrusiveList& operator=(IntrusiveList const&) = delete;
    // Elements survive the list; they are only unlinked.
    ~IntrusiveList() { clear(); }

    [[nodiscard]] bool is_empty() const { return m_head.m_next == &m_head; }

    // Counts by walking the list: O(n).
    [[nodiscard]] usize size_slow() const
    {
        usize count = 0;
        for (auto* node = m_head.m_next; node != &m_head; node = node->m_next)
            ++count;
        return count;
    }

    void append(T& element) { node_of(element).insert_after(*m_head.m_previous); }
    void prepend(T& element) { node_of(element).insert_after(m_head); }
    // Links `element` right before `position`, which must be in this list.
    void insert_before(T& position, T& element)
    {
        node_of(element).insert_after(*node_of(position).m_previous);
    }

    void remove(T& element)
    {
        VERIFY(contains(element));
        node_of(element).remove();
    }

    [[nodiscard]] bool contains(T const& element) const
    {
        auto const* target = &(element.*member);
        for (auto* node = m_head.m_next; node != &m_head; node = node->m_next) {
            if (node == target)
                return true;
        }
        return false;
    }

    [[nodiscard]] T* first() const { return is_empty() ? nullptr : element_of(m_head.m_next); }
    [[nodiscard]] T* last() const { return is_empty() ? nullptr : element_of(m_head.m_previous); }

    [[nodiscard]] T* take_first()
    {
        T* element = first();
        if (element)
            node_of(*element).remove();
        return element;
    }
    [[nodiscard]] T* take_last()
    {
        T* element = last();
        if (element)
            node_of(*element).remove();
        return element;
    }

    void clear()
    {
        while (!is_empty())
            m_head.m_next->remove();
    }

    Iterator begin() const { return Iterator(this, m_head.m_next); }
    Iterator end() const { return Iterator(this, const_cast<IntrusiveListNode*>(&m_head)); }

private:
    // Also records where the node sits inside T, measured on a real element (every T has
    // the same layout), so element_of() never does pointer tricks on a null object.
    IntrusiveListNode& node_of(T& element)
    {
        IntrusiveListNode& node = element.*member;
        m_member_offset = static_cast<usize>(reinterpret_cast<u8*>(&node) - reinterpret_cast<u8*>(&element));
        return node;
    }

    // The element that holds `node`; only called for nodes linked through node_of().
    T* element_of(IntrusiveListNode* node) const
    {
        return reinterpret_cast<T*>(reinterpret_cast<u8*>(node) - m_member_offset);
    }

    IntrusiveListNode m_head;
    usize m_member_offset {0};
};

} // namespace Base

using Base::IntrusiveList;
using Base::IntrusiveListNode;
