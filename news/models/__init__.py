from news.models.articles import (
    ArticleTag,
    NewsArticlePage,
    NewsIndexPage,
    NewsTag,
    RelatedArticle,
)
from news.models.categories import NewsCategory
from news.models.comments import Comment, CommentStatus
from news.models.documents import (
    DocumentFile,
    DocumentIndexPage,
    DocumentPage,
    DocumentRelatedPage,
    DocumentStatus,
    DocumentType,
    IssuingBody,
)

__all__ = [
    "Comment",
    "CommentStatus",
    "DocumentFile",
    "DocumentIndexPage",
    "DocumentPage",
    "DocumentRelatedPage",
    "DocumentStatus",
    "DocumentType",
    "IssuingBody",
    "ArticleTag",
    "NewsArticlePage",
    "NewsCategory",
    "NewsIndexPage",
    "NewsTag",
    "RelatedArticle",
]
